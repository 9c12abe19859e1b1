import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { LeadSummary } from '@chat/contracts';

/**
 * The columns every export starts with; the profile's fields follow, in its order. The
 * assistant comes last of them, so that the columns of exports from before assistants keep
 * their places.
 */
const FIXED_COLUMNS = [
  'lead_id',
  'session_id',
  'state',
  'notification_status',
  'created_at',
  'completed_at',
  'assistant_id',
  'stage',
  'owner',
  'tags',
] as const;

/**
 * Leads as CSV a spreadsheet opens intact: UTF-8 with a byte-order mark (so Excel reads names
 * like "José" right), a header row, one lead a row, RFC 4180 quoting of commas, quotes and line
 * breaks (a lone carriage return too), and cells starting with `=`, `+`, `-`, `@`, tab or carriage return prefixed with `'`
 * so that a visitor's "=HYPERLINK(…)" stays text (csv-stringify's `escape_formulas`).
 */
export function leadsCsv(
  leads: AsyncIterable<LeadSummary>,
  fieldNames: readonly string[],
): Readable {
  const rows = Readable.from(
    (async function* () {
      for await (const lead of leads) {
        yield [
          lead.id,
          lead.session_id,
          lead.state,
          lead.notification_status,
          lead.created_at,
          lead.completed_at ?? '',
          lead.assistant_id,
          lead.stage,
          lead.owner ?? '',
          // Tags hold no spaces or commas: one cell, space-separated.
          lead.tags.join(' '),
          ...fieldNames.map((name) => lead.fields[name] ?? ''),
        ];
      }
    })(),
  );
  const csv = stringify({
    bom: true,
    header: true,
    columns: [...FIXED_COLUMNS, ...fieldNames],
    escape_formulas: true,
    record_delimiter: 'windows',
    // csv-stringify quotes a cell with a line feed, not one with a lone carriage return, which
    // spreadsheets also read as a line end: such a cell would split its row, whatever the
    // validator lets through.
    quoted_match: '\r',
  });
  rows.on('error', (error) => csv.destroy(error));
  return rows.pipe(csv);
}
