import { knowledgeTables } from './knowledge';
import { paceTables } from './pace';
import type { BenchResults, Mode } from './results';
import { scaleOutTables } from './scale-out';
import type { LoadFigures } from './scenarios';
import { median } from './stream-client';
import { fmt } from './table';
import { targetsTable } from './targets';

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

const ratio = (api: number, base: number) =>
  Number.isFinite(api) && Number.isFinite(base) && base !== 0 ? (api / base).toFixed(2) : '-';

/**
 * A `### title`, then a markdown table: `header` names the columns, `text` those holding words
 * (left-aligned; the others are figures, right-aligned); then `notes`, one paragraph each.
 */
function section(
  title: string,
  header: string[],
  text: string[],
  rows: (string | number)[][],
  ...notes: string[]
): string[] {
  return [
    `### ${title}`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map((column) => (text.includes(column) ? '---' : '---:')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    ...notes.flatMap((note) => ['', note]),
    '',
  ];
}

/** Markdown tables (they read well on a terminal too): API | baseline | API / baseline. */
export function renderTables(results: BenchResults): string {
  const targets = targetsTable(results);
  const lines: string[] = section(
    targets.title,
    targets.header,
    targets.text,
    targets.rows,
    ...targets.notes,
  );
  for (const mode of Object.keys(results.load) as Mode[]) {
    const levels = Object.keys(results.load[mode]);
    lines.push(
      ...section(
        `Upstream ${mode === 'burst' ? 'burst (all tokens at once)' : 'tick (one token per event-loop turn)'}, ${results.settings.tokens}-token replies`,
        ['metric', ...levels.flatMap((l) => [`@${l}: API`, 'baseline', 'ratio'])],
        ['metric'],
        METRICS.map(({ key, label, digits }) => [
          label,
          ...levels.flatMap((level) => {
            const { api, baseline } = results.load[mode][level];
            const [a, b] = [api?.[key] as number, baseline?.[key] as number];
            return [fmt(a, digits), fmt(b, digits), ratio(a, b)];
          }),
        ]),
      ),
    );
  }
  if (results.idle.length > 0)
    lines.push(
      ...section(
        'Open connections (upstream: one token per 10 s)',
        [
          'streams',
          'server',
          'held',
          'errors',
          'RSS before MiB',
          'RSS held MiB',
          'RSS KiB per stream',
          'heap KiB per stream',
          'open time s',
        ],
        ['server'],
        results.idle.map(({ level, server, figures: f }) => [
          level,
          server,
          f.held,
          f.errors,
          fmt(f.rssBeforeMiB, 0),
          fmt(f.rssHeldMiB, 0),
          fmt(f.kibPerStream, 1),
          fmt(f.heapKibPerStream, 1),
          fmt(f.openSec, 1),
        ]),
      ),
    );
  if (results.retained.length > 0)
    lines.push(
      ...section(
        'Held after finished turns (live heap after a full collection)',
        ['server', 'turns', 'errors', 'heap before MiB', 'heap after MiB', 'KiB per finished turn'],
        ['server'],
        results.retained.map(({ server, figures: f }) => [
          server,
          f.turns,
          f.errors,
          fmt(f.heapBeforeMiB, 1),
          fmt(f.heapAfterMiB, 1),
          fmt(f.kibPerTurn, 2),
        ]),
      ),
    );
  if (results.split.length > 0) {
    const lengths = results.split[0].points.map((p) => p.tokens);
    const rows: (string | number)[][] = results.split.map(
      ({ server, points, perTurnMs, perEventUs }) => [
        server,
        ...points.map((p) => fmt(p.figures.cpuMsPerStream, 2)),
        fmt(perTurnMs, 2),
        fmt(perEventUs, 1),
      ],
    );
    const notes: string[] = [];
    const api = results.split.find((s) => s.server === 'api');
    const base = results.split.find((s) => s.server === 'baseline');
    if (api && base) {
      rows.push([
        'ratio',
        ...api.points.map((p, i) =>
          ratio(p.figures.cpuMsPerStream, base.points[i].figures.cpuMsPerStream),
        ),
        ratio(api.perTurnMs, base.perTurnMs),
        ratio(api.perEventUs, base.perEventUs),
      ]);
      // The turn cost at which the API would stream 0.7x the baseline's events per CPU-second.
      const events = results.settings.tokens + 2;
      const budget =
        (base.perTurnMs + (events * base.perEventUs) / 1000) / 0.7 -
        (events * api.perEventUs) / 1000;
      notes.push(
        `At ${results.settings.tokens}-token replies, 0.7x the baseline's events per CPU-second leaves the API ${fmt(budget, 2)} ms per turn at its cost per event (it spends ${fmt(api.perTurnMs, 2)}).`,
      );
    }
    lines.push(
      ...section(
        `Where the CPU goes: per turn and per event (burst, 50 streams at a time, ${lengths.join('- and ')}-token replies)`,
        [
          'server',
          ...lengths.map((n) => `CPU ms per ${n}-token stream`),
          'ms per turn',
          'µs per event',
        ],
        ['server'],
        rows,
        ...notes,
      ),
    );
  }
  if (results.cancel.length > 0)
    lines.push(
      ...section(
        'Cancel → upstream socket closed (upstream: one token per 20 ms)',
        ['cycles at a time', 'server', 'samples', 'p50 ms', 'p99 ms', 'errors', 'CPU %'],
        ['server'],
        results.cancel.map(({ server, figures: f }) => [
          f.workers,
          server,
          f.samples,
          fmt(f.p50, 2),
          fmt(f.p99, 2),
          f.errors,
          fmt(f.cpuPercent, 0),
        ]),
      ),
    );
  for (const table of results.pace ? paceTables(results.pace) : [])
    lines.push(...section(table.title, table.header, table.text, table.rows, ...table.notes));
  if (results.memory && results.memory.length > 0) {
    const mib = (bytes: number) => fmt(bytes / 2 ** 20, 0);
    lines.push(
      ...section(
        `The API's memory by database (realistic pace, ${results.memory[0].step.level} streams)`,
        [
          'database',
          'idle RSS MiB',
          'peak RSS MiB',
          'at the peak sample: RSS',
          'JS heap total',
          'external',
          'of which array buffers',
          'RSS - heap - external',
          'first event p99 ms',
          'failures',
        ],
        ['database'],
        results.memory.map(({ engine, idleRssMiB, peakRssMiB, peak, step }) => [
          engine,
          fmt(idleRssMiB, 0),
          fmt(peakRssMiB, 0),
          mib(peak.rss),
          mib(peak.heapTotal),
          mib(peak.external),
          mib(peak.arrayBuffers),
          mib(peak.rss - peak.heapTotal - peak.external),
          fmt(step.firstEventP99, 1),
          step.failures,
        ]),
        "In MiB. PGlite's WebAssembly memory (its shared buffers, caches and heap) counts in `external`, not in `arrayBuffers`: V8 reserves it outside Node's array buffer allocator. The rest of RSS outside the JS heap and external memory is code, stacks and native allocations.",
      ),
    );
  }
  for (const table of results.scaleOut ? scaleOutTables(results.scaleOut) : [])
    lines.push(...section(table.title, table.header, table.text, table.rows, ...table.notes));
  for (const table of results.knowledge ? knowledgeTables(results.knowledge) : [])
    lines.push(...section(table.title, table.header, table.text, table.rows, ...table.notes));
  if (results.compare) {
    const cpu = (runs: LoadFigures[]) => median(runs.map((f) => f.cpuMsPerStream));
    const streams = (runs: LoadFigures[]) => median(runs.map((f) => f.streamsPerSec));
    lines.push(
      ...section(
        `Compared with \`${results.compare.other}\` (burst, 50 streams at a time, alternating pairs)`,
        [
          'reply tokens',
          'pairs',
          'CPU ms per stream: this build',
          'other',
          'ratio',
          'ratio within pairs: median',
          'min',
          'max',
          'streams/s: this build',
          'other',
        ],
        [],
        results.compare.points.map(({ tokens, build, other }) => {
          const paired = build.map((f, i) => f.cpuMsPerStream / other[i].cpuMsPerStream);
          const [buildCpu, otherCpu] = [cpu(build), cpu(other)];
          return [
            tokens,
            build.length,
            fmt(buildCpu, 3),
            fmt(otherCpu, 3),
            ratio(buildCpu, otherCpu),
            fmt(median(paired), 3),
            fmt(Math.min(...paired), 3),
            fmt(Math.max(...paired), 3),
            fmt(streams(build), 0),
            fmt(streams(other), 0),
          ];
        }),
        'Below 1, this build spends less CPU per stream than the other. A build compared with itself shows what this machine varies by.',
      ),
    );
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
    ...(results.compare?.points ?? []).flatMap(({ tokens, build, other }) =>
      Object.entries({ build, other }).flatMap(([name, runs]) =>
        runs
          .filter((f) => f.firstError)
          .map((f) => `compare ${name} ${tokens} tokens: ${f.firstError}`),
      ),
    ),
  ];
  if (errors.length > 0)
    lines.push('First errors:', ...errors.slice(0, 10).map((e) => `- ${e}`), '');
  return lines.join('\n');
}
