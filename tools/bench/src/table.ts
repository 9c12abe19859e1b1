/** A table of the report: its title, column names, the columns holding words, rows and notes. */
export interface TableSpec {
  title: string;
  header: string[];
  text: string[];
  rows: (string | number)[][];
  notes: string[];
}

/** A figure with `digits` decimals, or `-` when there is none. */
export const fmt = (value: number | undefined, digits: number): string =>
  value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
