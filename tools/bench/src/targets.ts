/**
 * The performance targets (issue 25, "Performance, restated") read from one run's results: each
 * the product's figure against the stack alone's (`stack-floor.ts`), the AI SDK peer's, or its own
 * on PostgreSQL, with the ratio and whether it is met. Figures a run did not measure print `-`.
 */
import { COMPARED_STREAMS, paceCapacity, type PaceStep } from './pace';
import type { ServerKind } from './processes';
import type { BenchResults, DatabaseEngine } from './results';
import { fmt, type TableSpec } from './table';

interface Target {
  name: string;
  /** `≤ 1.3×`, `< 1×`…: how the ratio is held, and the measured figures' unit. */
  threshold: string;
  unit: string;
  product: number;
  baseline: number;
  /** `product / baseline`; NaN for an absolute limit. */
  ratio: number;
  /** False when the run did not measure a figure the target needs. */
  measured: boolean;
  met: boolean;
}

type Bound = 'max' | 'min' | 'below' | 'above';

/** A target held as `product / baseline` against `limit` (`max`: at most; `min`: at least). */
function relative(
  name: string,
  unit: string,
  product: number,
  baseline: number,
  limit: number,
  bound: Bound,
): Target {
  const ratio = product / baseline;
  const sign = { max: '≤', min: '≥', below: '<', above: '>' }[bound];
  const met = {
    max: ratio <= limit,
    min: ratio >= limit,
    below: ratio < limit,
    above: ratio > limit,
  }[bound];
  const measured = Number.isFinite(ratio);
  return { name, threshold: `${sign} ${limit}×`, unit, product, baseline, ratio, measured, met };
}

/** The last attempt of the step at `level` streams in the median-capacity run of `server`, stepped or run alone. */
function paceStep(results: BenchResults, server: ServerKind, level: number): PaceStep | undefined {
  const runs = (results.pace?.runs ?? []).filter((r) => r.server === server);
  const capacity = paceCapacity(results.pace, server);
  const run = runs.find((r) => r.figures.capacity === capacity) ?? runs[0];
  const steps = [
    ...(run?.figures.steps ?? []),
    ...(run?.figures.compared ? [run.figures.compared] : []),
  ];
  return steps.filter((s) => s.level === level).at(-1);
}

/** CPU ms per stream at a paced step: CPU time per second over streams started per second. */
const cpuMsPerPacedStream = (step: PaceStep | undefined) =>
  step ? (step.serverCpuPercent * 10) / step.arrivalsPerSec : NaN;

/** The largest of `values`, or NaN when there are none (a scenario that did not run). */
const largest = (values: number[]) => (values.length > 0 ? Math.max(...values) : NaN);

export function targetsTable(results: BenchResults): TableSpec {
  const split = (server: ServerKind) =>
    results.split.find((s) => s.server === server)?.perTurnMs ?? NaN;
  const capacity = (server: ServerKind) => paceCapacity(results.pace, server);
  // A server that passed every step only shows the run's ceiling: as a baseline it measures nothing.
  const reachedCeiling = (server: ServerKind) =>
    (results.pace?.runs ?? []).some((r) => r.server === server && r.figures.steps.at(-1)?.passed);
  const baselineCapacity = (server: ServerKind) =>
    reachedCeiling(server) ? NaN : capacity(server);
  const tick500 = results.load.tick?.['500'];
  // The largest level both held: where a stream's own memory outweighs the process's.
  const idleLevel = largest(
    results.idle
      .filter(
        (r) =>
          r.server === 'api' &&
          results.idle.some((s) => s.server === 'stack' && s.level === r.level),
      )
      .map((r) => r.level),
  );
  const idle = (server: ServerKind) =>
    results.idle.find((r) => r.level === idleLevel && r.server === server)?.figures.kibPerStream ??
    NaN;
  const [apiStep, peerStep] = [
    paceStep(results, 'api', COMPARED_STREAMS),
    paceStep(results, 'peer', COMPARED_STREAMS),
  ];
  const memory = (engine: DatabaseEngine) => results.memory?.find((m) => m.engine === engine);
  const [pglite, postgres] = [memory('pglite'), memory('postgres')];
  const crossCancel = largest(
    (results.scaleOut?.cancel ?? [])
      .filter((c) => c.target === 'other instance')
      .map((c) => c.closed.p99),
  );
  const crossResume = largest(
    (results.scaleOut?.resume ?? [])
      .filter((r) => r.target === 'other instance')
      .map((r) => r.firstEvent.p99),
  );
  const absolute = (name: string, value: number): Target => ({
    name,
    threshold: '< 50 ms',
    unit: 'ms',
    product: value,
    baseline: NaN,
    ratio: NaN,
    measured: Number.isFinite(value),
    met: value < 50,
  });
  /** Target, what, unit, product, baseline, limit, bound: each held as product / baseline. */
  const ratios: [string, string, string, number, number, number, Bound][] = [
    ['1', 'per-turn CPU (burst, 50 streams)', 'ms', split('api'), split('stack'), 1.3, 'max'],
    [
      '2',
      'first event p50, 500 tick streams',
      'ms',
      tick500?.api?.firstEventP50 ?? NaN,
      tick500?.stack?.firstEventP50 ?? NaN,
      1.2,
      'max',
    ],
    [
      '3',
      `idle RSS per open stream (${idleLevel} streams)`,
      'KiB',
      idle('api'),
      idle('stack'),
      1.2,
      'max',
    ],
    [
      '4',
      'realistic-pace capacity',
      'streams',
      capacity('api'),
      baselineCapacity('stack'),
      0.9,
      'min',
    ],
    [
      '6',
      `CPU per paced stream (${COMPARED_STREAMS} streams), vs the AI SDK peer`,
      'ms',
      cpuMsPerPacedStream(apiStep),
      cpuMsPerPacedStream(peerStep),
      1,
      'below',
    ],
    [
      '6',
      'realistic-pace capacity, vs the AI SDK peer',
      'streams',
      capacity('api'),
      baselineCapacity('peer'),
      1,
      'above',
    ],
    [
      '6',
      `first event p99 (${COMPARED_STREAMS} paced streams), vs the AI SDK peer`,
      'ms',
      apiStep?.firstEventP99 ?? NaN,
      peerStep?.firstEventP99 ?? NaN,
      1,
      'below',
    ],
    [
      '7',
      'RSS at idle, PGlite vs PostgreSQL',
      'MiB',
      pglite?.idleRssMiB ?? NaN,
      postgres?.idleRssMiB ?? NaN,
      1.25,
      'max',
    ],
    [
      '7',
      `peak RSS at ${COMPARED_STREAMS} paced streams, PGlite vs PostgreSQL`,
      'MiB',
      pglite?.peakRssMiB ?? NaN,
      postgres?.peakRssMiB ?? NaN,
      1.25,
      'max',
    ],
  ];
  const targets: [string, Target][] = [
    ...ratios.map(([id, ...spec]): [string, Target] => [id, relative(...spec)]),
    ['5', absolute('cancel on another instance, p99', crossCancel)],
    ['5', absolute('resume on another instance, first event p99', crossResume)],
  ];
  targets.sort(([a], [b]) => a.localeCompare(b));
  return {
    title:
      'Targets (issue 25): the product against the stack alone (1-4), on its own (5), against the AI SDK peer (6), on PGlite against PostgreSQL (7)',
    header: ['target', 'what', 'threshold', 'product', 'baseline', 'ratio', 'status'],
    text: ['target', 'what', 'threshold', 'status'],
    rows: targets.map(([id, t]) => [
      id,
      t.name,
      t.threshold,
      `${fmt(t.product, t.unit === 'ms' ? 2 : 1)} ${t.unit}`,
      Number.isFinite(t.baseline) ? `${fmt(t.baseline, t.unit === 'ms' ? 2 : 1)} ${t.unit}` : '-',
      fmt(t.ratio, 2),
      t.measured ? (t.met ? 'met' : 'not met') : 'not measured',
    ]),
    notes: [
      'Baselines: the stack alone (`stack-floor.ts`) for 1-4, the AI SDK peer (`ai-sdk-peer.ts`) for 6, the same build on PostgreSQL for 7. Target 5 needs `--database postgres --redis`; 7 starts the API on each engine itself.',
    ],
  };
}
