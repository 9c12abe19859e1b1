import type { CancelFigures, IdleFigures, LoadFigures, RetainedFigures } from './scenarios';

export type Mode = 'burst' | 'tick';
export type ServerKind = 'api' | 'baseline';

export interface BenchResults {
  startedAt: string;
  command: string;
  machine: { cpus: number; node: string; fileLimit: number };
  settings: { levels: number[]; reps: number; durationMs: number; tokens: number };
  /** Medians of the repetitions, by mode, level and server. */
  load: Record<Mode, Record<string, Record<ServerKind, LoadFigures>>>;
  runs: { mode: Mode; level: number; rep: number; server: ServerKind; figures: LoadFigures }[];
  idle: { level: number; server: ServerKind; figures: IdleFigures }[];
  retained: { server: ServerKind; figures: RetainedFigures }[];
  /** CPU per stream at two reply lengths, split into a cost per turn and one per event. */
  split: {
    server: ServerKind;
    points: { tokens: number; figures: LoadFigures }[];
    perTurnMs: number;
    perEventUs: number;
  }[];
  cancel: { server: ServerKind; figures: CancelFigures }[];
}

const METRICS: { key: keyof LoadFigures; label: string; digits: number }[] = [
  { key: 'streamsPerSec', label: 'streams/s', digits: 0 },
  { key: 'eventsPerSec', label: 'events/s', digits: 0 },
  { key: 'firstEventP50', label: 'first event p50 ms', digits: 1 },
  { key: 'firstEventP99', label: 'first event p99 ms', digits: 1 },
  { key: 'firstChunkP50', label: 'first chunk p50 ms', digits: 1 },
  { key: 'firstChunkP99', label: 'first chunk p99 ms', digits: 1 },
  { key: 'totalP50', label: 'total p50 ms', digits: 1 },
  { key: 'totalP99', label: 'total p99 ms', digits: 1 },
  { key: 'errors', label: 'errors', digits: 0 },
  { key: 'peakRssMiB', label: 'peak RSS MiB', digits: 0 },
  { key: 'cpuPercent', label: 'CPU %', digits: 0 },
  { key: 'cpuMsPerStream', label: 'CPU ms per stream', digits: 2 },
];

const fmt = (value: number | undefined, digits: number) =>
  value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);
const ratio = (api: number, base: number) =>
  Number.isFinite(api) && Number.isFinite(base) && base !== 0 ? (api / base).toFixed(2) : '-';

/** Markdown tables (they read well on a terminal too): API | baseline | API / baseline. */
export function renderTables(results: BenchResults): string {
  const lines: string[] = [];
  for (const mode of Object.keys(results.load) as Mode[]) {
    const levels = Object.keys(results.load[mode]);
    lines.push(
      `### Upstream ${mode === 'burst' ? 'burst (all tokens at once)' : 'tick (one token per event-loop turn)'}, ${results.settings.tokens}-token replies`,
      '',
    );
    lines.push(`| metric | ${levels.map((l) => `@${l}: API | baseline | ratio`).join(' | ')} |`);
    lines.push(`|---|${levels.map(() => '---:|---:|---:').join('|')}|`);
    for (const { key, label, digits } of METRICS) {
      const cells = levels.map((level) => {
        const { api, baseline } = results.load[mode][level];
        return `${fmt(api?.[key] as number, digits)} | ${fmt(baseline?.[key] as number, digits)} | ${ratio(api?.[key] as number, baseline?.[key] as number)}`;
      });
      lines.push(`| ${label} | ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  if (results.idle.length > 0) {
    lines.push('### Open connections (upstream: one token per 10 s)', '');
    lines.push(
      '| streams | server | held | errors | RSS before MiB | RSS held MiB | RSS KiB per stream | heap KiB per stream | open time s |',
    );
    lines.push('|---:|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const { level, server, figures: f } of results.idle) {
      lines.push(
        `| ${level} | ${server} | ${f.held} | ${f.errors} | ${fmt(f.rssBeforeMiB, 0)} | ${fmt(f.rssHeldMiB, 0)} | ${fmt(f.kibPerStream, 1)} | ${fmt(f.heapKibPerStream, 1)} | ${fmt(f.openSec, 1)} |`,
      );
    }
    lines.push('');
  }
  if (results.retained.length > 0) {
    lines.push('### Held after finished turns (live heap after a full collection)', '');
    lines.push(
      '| server | turns | errors | heap before MiB | heap after MiB | KiB per finished turn |',
      '|---|---:|---:|---:|---:|---:|',
    );
    for (const { server, figures: f } of results.retained)
      lines.push(
        `| ${server} | ${f.turns} | ${f.errors} | ${fmt(f.heapBeforeMiB, 1)} | ${fmt(f.heapAfterMiB, 1)} | ${fmt(f.kibPerTurn, 2)} |`,
      );
    lines.push('');
  }
  if (results.split.length > 0) {
    const [short, long] = results.split[0].points.map((p) => p.tokens);
    lines.push(
      `### Where the CPU goes: per turn and per event (burst, 50 streams at a time, ${short}- and ${long}-token replies)`,
      '',
      `| server | CPU ms per ${short}-token stream | CPU ms per ${long}-token stream | ms per turn | µs per event |`,
      '|---|---:|---:|---:|---:|',
    );
    for (const { server, points, perTurnMs, perEventUs } of results.split)
      lines.push(
        `| ${server} | ${points.map((p) => fmt(p.figures.cpuMsPerStream, 2)).join(' | ')} | ${fmt(perTurnMs, 2)} | ${fmt(perEventUs, 1)} |`,
      );
    const api = results.split.find((s) => s.server === 'api');
    const base = results.split.find((s) => s.server === 'baseline');
    if (api && base) {
      lines.push(
        `| ratio | ${api.points.map((p, i) => ratio(p.figures.cpuMsPerStream, base.points[i].figures.cpuMsPerStream)).join(' | ')} | ${ratio(api.perTurnMs, base.perTurnMs)} | ${ratio(api.perEventUs, base.perEventUs)} |`,
      );
      // The turn cost at which the API would stream 0.7x the baseline's events per CPU-second.
      const events = results.settings.tokens + 2;
      const budget =
        (base.perTurnMs + (events * base.perEventUs) / 1000) / 0.7 -
        (events * api.perEventUs) / 1000;
      lines.push(
        '',
        `At ${results.settings.tokens}-token replies, 0.7x the baseline's events per CPU-second leaves the API ${fmt(budget, 2)} ms per turn at its cost per event (it spends ${fmt(api.perTurnMs, 2)}).`,
      );
    }
    lines.push('');
  }
  if (results.cancel.length > 0) {
    lines.push('### Cancel → upstream socket closed (upstream: one token per 20 ms)', '');
    lines.push(
      '| cycles at a time | server | samples | p50 ms | p99 ms | errors | CPU % |',
      '|---:|---|---:|---:|---:|---:|---:|',
    );
    for (const { server, figures: f } of results.cancel)
      lines.push(
        `| ${f.workers} | ${server} | ${f.samples} | ${fmt(f.p50, 2)} | ${fmt(f.p99, 2)} | ${f.errors} | ${fmt(f.cpuPercent, 0)} |`,
      );
    lines.push('');
  }
  const errors = [
    ...results.runs
      .filter((r) => r.figures.firstError)
      .map((r) => `${r.server} ${r.mode} @${r.level}: ${r.figures.firstError}`),
    ...results.idle
      .filter((r) => r.figures.firstError)
      .map((r) => `${r.server} idle ${r.level}: ${r.figures.firstError}`),
    ...results.retained
      .filter((r) => r.figures.firstError)
      .map((r) => `${r.server} retained: ${r.figures.firstError}`),
    ...results.split.flatMap((r) =>
      r.points
        .filter((p) => p.figures.firstError)
        .map((p) => `${r.server} split ${p.tokens} tokens: ${p.figures.firstError}`),
    ),
    ...results.cancel
      .filter((r) => r.figures.firstError)
      .map((r) => `${r.server} cancel ×${r.figures.workers}: ${r.figures.firstError}`),
  ];
  if (errors.length > 0)
    lines.push('First errors:', ...errors.slice(0, 10).map((e) => `- ${e}`), '');
  return lines.join('\n');
}
