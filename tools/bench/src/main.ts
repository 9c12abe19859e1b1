/**
 * The streaming benchmark: the API against a raw `node:http` relay of the same upstream, on the
 * same load, in the same run. Every figure is printed beside the baseline's and as a ratio.
 *   npm run bench [-- --quick] [--reps 3] [--levels 1,50,500] [--duration-ms 3000]
 *                 [--idle 1000,5000,10000] [--cancel 200] [--skip-load] [--skip-idle] [--skip-cancel]
 *                 [--skip-retained] [--skip-split] [--tokens 200]
 *                 [--api-main dist/apps/api/main.js] [--compare other/build/main.js]
 *                 [--compare-node /usr/bin/node]
 *                 [--database pglite|postgres] [--redis]
 *                 [--skip-pace] [--pace-levels 25,50,100] [--pace-step-ms 10000] [--skip-memory]
 *                 [--skip-scale-out] [--scale-out-b-core 1]
 *                 [--skip-knowledge] [--knowledge-only] [--knowledge-turns 50]
 * `--redis` (with `--database postgres`) also runs two instances, A and B, sharing the database and
 * Redis: cancel and resume sent to B for a stream on A, beside the same sent to A (scale-out.ts).
 * Knowledge (knowledge.ts): recall over tools/bench/knowledge-eval with full text and hybrid search,
 * and the time to first token with 10,000 passages beside none, on `--database`
 * (`npm run bench:knowledge` is `--knowledge-only`).
 * `--api-main tools/bench/src/stack-floor.ts` measures the API's stack without its product features.
 * Server under test on core 0; this process (the load generator) and the fake upstream on core 1.
 * Results: bench-results/<time>.json, bench-results/latest.json and latest.md (git-ignored).
 */
import { execFileSync, execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  createTestPostgresDatabase,
  DEFAULT_TEST_REDIS_URL,
  freePort,
  ScratchDirs,
  type TestPostgresDatabase,
  testRedisPrefix,
} from '@chat/test-support';
import { HeapProbe } from './heap-probe';
import { KNOWLEDGE_SERVER_ENV, measureKnowledge } from './knowledge';
import {
  COMPARED_STREAMS,
  measurePacedCapacity,
  PACE_TOKEN_DELAY_MS,
  type PaceResults,
} from './pace';
import {
  isApiApp,
  rssKiB,
  type ServerKind,
  startServerUnderTest,
  startUpstream,
  watchRss,
  type BenchProcess,
} from './processes';
import { renderTables } from './report';
import type {
  BenchResults,
  DatabaseEngine,
  DatabaseMemoryFigures,
  MemoryUsage,
  Mode,
} from './results';
import { runScaleOut, type ScaleOutResults } from './scale-out';
import {
  drive,
  measureCancel,
  measureIdle,
  measureLoad,
  measureRetained,
  startSlowUpstream,
  type LoadFigures,
} from './scenarios';
import { median } from './stream-client';

/** CPU per stream as a fixed cost per turn plus a cost per event, from two reply lengths. */
function splitCost(
  short: LoadFigures,
  long: LoadFigures,
): { perTurnMs: number; perEventUs: number } {
  const events = (f: LoadFigures) => f.eventsPerSec / f.streamsPerSec;
  const perEventMs = (long.cpuMsPerStream - short.cpuMsPerStream) / (events(long) - events(short));
  return {
    perTurnMs: short.cpuMsPerStream - events(short) * perEventMs,
    perEventUs: perEventMs * 1000,
  };
}

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    reps: { type: 'string' },
    levels: { type: 'string' },
    'duration-ms': { type: 'string' },
    idle: { type: 'string' },
    cancel: { type: 'string' },
    'skip-load': { type: 'boolean', default: false },
    'skip-idle': { type: 'boolean', default: false },
    'skip-cancel': { type: 'boolean', default: false },
    'skip-retained': { type: 'boolean', default: false },
    'skip-split': { type: 'boolean', default: false },
    'skip-pace': { type: 'boolean', default: false },
    /** Leaves out the API's memory on PGlite and on PostgreSQL (target 7). */
    'skip-memory': { type: 'boolean', default: false },
    /** Realistic pace: target concurrent streams per step, and how long each step lasts. */
    'pace-levels': { type: 'string' },
    'pace-step-ms': { type: 'string' },
    /** Tokens per reply: the targets are set for 200; longer replies weigh per-event costs more. */
    tokens: { type: 'string', default: '200' },
    /**
     * Another build of the API, e.g. one from before a change, for before-and-after figures, or
     * `tools/bench/src/stack-floor.ts`: the API's stack without its product features.
     */
    'api-main': { type: 'string', default: 'dist/apps/api/main.js' },
    /**
     * A second build of the API, run against `--api-main` in alternating pairs on the same load
     * (50 burst streams, short and `--tokens` replies) instead of the other scenarios: runs of
     * one build vary by up to 10% on this machine, so a change's effect is read from pairs.
     */
    compare: { type: 'string' },
    'compare-node': { type: 'string' },
    /**
     * The API's database: `pglite`, embedded in the API's process (a new data folder for each
     * server started), or `postgres`, a new database on the local server (`TEST_POSTGRES_URL`),
     * whose own CPU is not counted in the API's.
     */
    database: { type: 'string', default: 'pglite' },
    /**
     * Live streams, claims and rate limits through Redis (`TEST_REDIS_URL`, by default the local
     * server), as several instances run; its own CPU is not counted in the API's.
     */
    redis: { type: 'boolean', default: false },
    /** Leaves out the two-instance scenario that `--redis` runs. */
    'skip-scale-out': { type: 'boolean', default: false },
    /**
     * The core of the second instance, B (A is on core 0). Core 1 by default: each instance has
     * a core of its own, as instances on separate machines do, and B's work does not come out of
     * A's; the load generator and upstreams it shares core 1 with are lightly loaded there.
     */
    'scale-out-b-core': { type: 'string', default: '1' },
    /** Leaves out knowledge's retrieval quality and cost (knowledge.ts). */
    'skip-knowledge': { type: 'boolean', default: false },
    /** Runs knowledge's scenario alone (`npm run bench:knowledge`). */
    'knowledge-only': { type: 'boolean', default: false },
    /** Turns on each assistant, with and without knowledge, for the cost of retrieval. */
    'knowledge-turns': { type: 'string' },
  },
});
if (values.database !== 'pglite' && values.database !== 'postgres') {
  throw new Error('--database must be pglite or postgres');
}
if (values.redis && values.database !== 'postgres' && !values['skip-scale-out']) {
  // PGlite is one process's database: two instances cannot share it.
  throw new Error(
    '--redis runs two API instances, which must share one database: add --database postgres (or --skip-scale-out)',
  );
}
let postgres: TestPostgresDatabase | undefined;
/** The API servers' data folders and outbox, removed when the bench ends. */
const scratch = new ScratchDirs();

/**
 * Where an API server started now keeps its data (`engine`, by default `--database`) and, with
 * `--redis`, shares its live state.
 */
async function databaseEnv(
  engine: DatabaseEngine = values.database as DatabaseEngine,
): Promise<Record<string, string>> {
  const redis: Record<string, string> = values.redis
    ? {
        REDIS_URL: process.env['TEST_REDIS_URL'] ?? DEFAULT_TEST_REDIS_URL,
        REDIS_KEY_PREFIX: testRedisPrefix(),
      }
    : {};
  if (engine === 'postgres') {
    postgres ??= await createTestPostgresDatabase('chat_bench');
    return { DATABASE_URL: postgres.url, ...redis };
  }
  return { DATA_DIR: scratch.make('bench-data-'), ...redis };
}
const quick = values.quick ?? false;
const list = (value: string | undefined, fallback: number[]) =>
  value ? value.split(',').map(Number) : fallback;
/**
 * What `--compare` runs against the build under test: another build, or with `--compare-node`
 * (alone or beside `--compare`) a build on another Node.js binary, e.g. Node 20 against 24.
 */
const compareNode = values['compare-node'];
const compareWith = values.compare ?? (compareNode ? values['api-main'] : undefined);
const reps = Number(values.reps ?? (compareWith ? 8 : quick ? 1 : 3));
const levels = list(values.levels, [1, 50, 500]);
const durationMs = Number(values['duration-ms'] ?? (quick ? 1500 : 3000));
const fileLimit =
  Number(execSync('ulimit -Hn', { shell: '/bin/bash' }).toString().trim()) || 20_000;
// A stream through a relay holds two sockets in the server (client and upstream), plus a few spare.
const maxIdle = Math.floor((fileLimit - 100) / 2);
const idleLevels = list(values.idle, quick ? [1000] : [1000, 5000, 10_000]).map((n) =>
  Math.min(n, maxIdle),
);
const cancelSamples = Number(values.cancel ?? (quick ? 50 : 200));

const root = process.cwd();
const outboxDir = scratch.make('bench-outbox-');

const tokens = Number(values.tokens);
/** A reply a tenth as long, where a turn's fixed cost shows (split and compare). */
const shortTokens = Math.max(1, Math.round(tokens / 10));

/** A reply of `count` words with quotes, escapes, a line break and non-ASCII text, to check byte-identical relay. */
function replyText(count: number): string {
  const words = [
    'Momentum',
    'trading',
    'buys',
    '"strength"',
    'and',
    'sells',
    'weakness;',
    'café',
    'naïve',
    '→',
    '😀',
    'back\\slash',
    'tab\there',
    '<b>bold</b>',
    'line\nbreak',
  ];
  return Array.from(
    { length: count },
    (_, i) => (i === 0 ? '' : ' ') + words[i % words.length],
  ).join('');
}
const text = replyText(tokens);

function startFake(extra: string[], reply = text): Promise<BenchProcess> {
  return startUpstream(reply, extra);
}

/** A server under test; with `inspectorPort`, its inspector listens there (for a {@link HeapProbe}). */
async function startServer(
  kind: ServerKind,
  upstreamPort: number,
  inspectorPort?: number,
  apiMain = values['api-main'],
  instance: {
    core?: number;
    env?: Record<string, string>;
    engine?: DatabaseEngine;
    node?: string;
  } = {},
): Promise<BenchProcess> {
  return startServerUnderTest({
    kind,
    upstreamPort,
    apiMain,
    inspectorPort,
    core: instance.core,
    node: instance.node,
    env: isApiApp(kind)
      ? { MAIL_OUTBOX_DIR: outboxDir, ...(await databaseEnv(instance.engine)), ...instance.env }
      : {},
  });
}

/** Runs `measure` against a server started with its inspector open, read by a {@link HeapProbe}. */
async function withHeapProbe<T>(
  kind: ServerKind,
  upstreamPort: number,
  measure: (server: BenchProcess, probe: HeapProbe) => Promise<T>,
  engine?: DatabaseEngine,
): Promise<T> {
  const inspectorPort = await freePort();
  const server = await startServer(kind, upstreamPort, inspectorPort, undefined, { engine });
  const probe = await HeapProbe.connect(inspectorPort);
  try {
    return await measure(server, probe);
  } finally {
    probe.close();
    await server.stop();
  }
}

/** The servers a run compares, each started against the upstream at the given port. */
type Contenders<K extends string> = Record<K, (upstreamPort: number) => Promise<BenchProcess>>;

/** The servers of the load, split and idle scenarios: the API, the stack alone, the relay. */
const SERVERS: readonly ServerKind[] = ['baseline', 'stack', 'api'];
/** The servers a user could run instead of one another, on realistic pace. */
const PACE_SERVERS: readonly ServerKind[] = ['api', 'stack', 'peer'];
/** Where the relay is the floor: cancel and retained memory. */
const API_AND_BASELINE: readonly ServerKind[] = ['baseline', 'api'];
const CONTENDERS = Object.fromEntries(
  SERVERS.map((kind) => [kind, (upstreamPort: number) => startServer(kind, upstreamPort)]),
) as Contenders<ServerKind>;

/**
 * `reps` runs of each contender on the same load, `concurrency` streams of `reply` from the
 * upstream at `upstreamPort`; who goes first alternates, so neither always runs on a warmer machine.
 */
async function runAlternating<K extends string>(
  contenders: Contenders<K>,
  upstreamPort: number,
  concurrency: number,
  reply: string,
  label: string,
): Promise<Record<K, LoadFigures[]>> {
  const names = Object.keys(contenders) as K[];
  const byServer = Object.fromEntries(names.map((name) => [name, []])) as unknown as Record<
    K,
    LoadFigures[]
  >;
  for (let rep = 1; rep <= reps; rep++) {
    for (const name of rep % 2 ? names : [...names].reverse()) {
      const server = await contenders[name](upstreamPort);
      const figures = await measureLoad(server, concurrency, durationMs, reply);
      await server.stop();
      byServer[name].push(figures);
      console.log(
        `${label} rep ${rep} ${name}: ${figures.streamsPerSec.toFixed(0)} streams/s, ${figures.eventsPerSec.toFixed(0)} events/s, ttfe p50 ${figures.firstEventP50.toFixed(1)} ms, errors ${figures.errors}`,
      );
    }
  }
  return byServer;
}

/**
 * `--compare`: the build under test (`--api-main`) and `other` in alternating pairs, 50 burst
 * streams at a time, at `shortTokens` and at the configured reply length.
 */
async function compareBuilds(
  other: string,
  node?: string,
): Promise<NonNullable<BenchResults['compare']>> {
  const contenders: Contenders<'build' | 'other'> = {
    build: (upstreamPort) => startServer('api', upstreamPort),
    other: (upstreamPort) => startServer('api', upstreamPort, undefined, other, { node }),
  };
  const points: NonNullable<BenchResults['compare']>['points'] = [];
  for (const length of [shortTokens, tokens]) {
    const reply = replyText(length);
    const fake = await startFake([], reply);
    const runs = await runAlternating(contenders, fake.port, 50, reply, `compare ${length} tokens`);
    await fake.stop();
    points.push({ tokens: length, ...runs });
  }
  const on = node
    ? ` on ${node} (${execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()}, this build on ${process.version})`
    : '';
  return { other: `${other}${on}`, points };
}

function medianFigures(runs: LoadFigures[]): LoadFigures {
  const out = { ...runs[0] };
  for (const key of Object.keys(out) as (keyof LoadFigures)[]) {
    if (typeof out[key] === 'number')
      (out as Record<string, unknown>)[key] = median(runs.map((r) => r[key] as number));
  }
  out.errors = runs.reduce((sum, r) => sum + r.errors, 0);
  out.firstError = runs.find((r) => r.firstError)?.firstError;
  return out;
}

// Concurrency doubles per step when quick, else rises by √2 (the ratio's resolution).
const paceFallbackLevels = Array.from({ length: quick ? 8 : 15 }, (_, i) =>
  Math.round(25 * Math.SQRT2 ** (quick ? 2 * i : i)),
);
// An API stream holds three sockets in the server: the client's, the reply's, the extraction's.
const maxOpen = Math.floor((fileLimit - 200) / 3);
/** Realistic pace (see `measurePace`), also the pace of the database-memory scenario. */
const paceSettings: PaceResults['settings'] = {
  levels: list(values['pace-levels'], paceFallbackLevels).filter((level) => level <= maxOpen),
  stepMs: Number(values['pace-step-ms'] ?? (quick ? 7000 : 10_000)),
  tokens,
  tokenDelayMs: PACE_TOKEN_DELAY_MS,
  firstEventLimitMs: 100,
  retries: 1,
};

/**
 * Realistic pace: each server, in alternating order, `reps` times, on replies paced like a
 * model; every run steps the arrival rate up until a step fails (see `pace.ts`).
 */
async function measurePace(): Promise<PaceResults> {
  const settings = paceSettings;
  const upstream = await startFake(['--token-delay-ms', String(PACE_TOKEN_DELAY_MS)]);
  const runs: PaceResults['runs'] = [];
  for (let rep = 1; rep <= reps; rep++) {
    for (const kind of rep % 2 ? PACE_SERVERS : [...PACE_SERVERS].reverse()) {
      console.log(`pace rep ${rep} ${kind}:`);
      const server = await startServer(kind, upstream.port);
      const options = { ...settings, expectedText: text, upstream, maxOpen };
      const figures = await measurePacedCapacity(server, options);
      if (COMPARED_STREAMS <= maxOpen && !figures.steps.some((s) => s.level === COMPARED_STREAMS)) {
        const alone = await measurePacedCapacity(server, {
          ...options,
          levels: [COMPARED_STREAMS],
          retries: 0,
        });
        figures.compared = alone.steps[0];
      }
      await server.stop();
      runs.push({ server: kind, rep, figures });
      console.log(
        `pace rep ${rep} ${kind}: capacity ${figures.capacity.toFixed(0)} streams (${figures.stoppedBy})`,
      );
    }
  }
  await upstream.stop();
  return { settings, runs };
}

/** Streams held open in the database-memory scenario (target 7), paced as in `measurePace`. */
const MEMORY_STREAMS = 100;

/**
 * The API's memory on each database engine in turn (target 7): RSS at idle (after a few warm-up
 * turns) and its peak over a realistic-pace step of {@link MEMORY_STREAMS} streams, with
 * `process.memoryUsage()` read in the server at both, to show where the memory goes.
 */
async function measureDatabaseMemory(): Promise<DatabaseMemoryFigures[]> {
  const upstream = await startFake(['--token-delay-ms', String(PACE_TOKEN_DELAY_MS)]);
  const usage = async (probe: HeapProbe) =>
    JSON.parse(
      String(await probe.evaluate('JSON.stringify(process.memoryUsage())')),
    ) as MemoryUsage;
  const out: DatabaseMemoryFigures[] = [];
  for (const engine of ['pglite', 'postgres'] as const) {
    const figures = await withHeapProbe(
      'api',
      upstream.port,
      async (server, probe) => {
        await drive(server, 10, 1000, text);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const idle = await usage(probe);
        const idleRssMiB = rssKiB(server.pid) / 1024;
        const rss = watchRss(server.pid);
        let peak = idle;
        const sampler = setInterval(() => {
          void usage(probe).then(
            (u) => (peak = u.rss > peak.rss ? u : peak),
            () => undefined,
          );
        }, 1000);
        const { steps } = await measurePacedCapacity(server, {
          ...paceSettings,
          levels: [MEMORY_STREAMS],
          retries: 0,
          expectedText: text,
          upstream,
          maxOpen,
        });
        clearInterval(sampler);
        return { engine, idleRssMiB, peakRssMiB: rss.stop() / 1024, idle, peak, step: steps[0] };
      },
      engine,
    );
    out.push(figures);
    console.log(
      `memory ${engine}: idle ${figures.idleRssMiB.toFixed(0)} MiB, peak at ${MEMORY_STREAMS} paced streams ${figures.peakRssMiB.toFixed(0)} MiB (external ${(figures.peak.external / 2 ** 20).toFixed(0)}, array buffers ${(figures.peak.arrayBuffers / 2 ** 20).toFixed(0)}, heap ${(figures.peak.heapTotal / 2 ** 20).toFixed(0)} MiB)`,
    );
  }
  await upstream.stop();
  return out;
}

/**
 * Two instances of the API sharing the database and one Redis prefix, as one deployment: a
 * stream's cancel and resume sent to the other instance, beside the same sent to its own.
 */
function scaleOut(): Promise<ScaleOutResults> {
  const cores = { a: 0, b: Number(values['scale-out-b-core']) };
  const tokenDelayMs = 20;
  // Resumes and cancels count against the reads budget, shared through Redis by both instances.
  const shared = { REDIS_KEY_PREFIX: testRedisPrefix(), RATE_LIMIT_READS: '1000000' };
  return runScaleOut({
    reps,
    cancelSamples,
    resumeStreams: 100,
    text,
    tokens,
    tokenDelayMs,
    resumePauseMs: 100,
    cores,
    startSlowUpstream,
    startPacedUpstream: () => startFake(['--token-delay-ms', String(tokenDelayMs)]),
    startInstances: (upstreamPort) =>
      Promise.all([
        startServer('api', upstreamPort, undefined, undefined, { core: cores.a, env: shared }),
        startServer('api', upstreamPort, undefined, undefined, { core: cores.b, env: shared }),
      ]),
  });
}

/**
 * A scenario left out by `--skip-<name>`, by `--compare`, which runs only its own, or (all but
 * knowledge) by `--knowledge-only`.
 */
const skip = (
  name:
    | 'load'
    | 'split'
    | 'idle'
    | 'retained'
    | 'cancel'
    | 'pace'
    | 'memory'
    | 'scale-out'
    | 'knowledge',
) =>
  compareWith !== undefined ||
  values[`skip-${name}`] === true ||
  (values['knowledge-only'] === true && name !== 'knowledge');

/** Retrieval quality and cost on `--database`, against an upstream of its own. */
async function knowledge(): Promise<NonNullable<BenchResults['knowledge']>> {
  const upstream = await startFake([]);
  try {
    return [
      await measureKnowledge({
        engine: values.database as DatabaseEngine,
        apiMain: values['api-main'],
        upstream,
        reply: text,
        turns: Number(values['knowledge-turns'] ?? (quick ? 20 : 50)),
        startApi: (env) =>
          startServer('api', upstream.port, undefined, undefined, {
            env: { ...KNOWLEDGE_SERVER_ENV, ...env },
          }),
      }),
    ];
  } finally {
    await upstream.stop();
  }
}

async function main(): Promise<void> {
  try {
    execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
  } catch {
    console.warn('taskset failed: the load generator is not pinned');
  }
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { cpus: os.cpus().length, node: process.version, fileLimit },
    settings: { levels, reps, durationMs, tokens },
    load: {} as BenchResults['load'],
    runs: [],
    idle: [],
    retained: [],
    split: [],
    cancel: [],
  };
  if (!skip('load')) {
    for (const mode of ['burst', 'tick'] as Mode[]) {
      const fake = await startFake(mode === 'tick' ? ['--tick'] : []);
      results.load[mode] = {};
      for (const level of levels) {
        const byServer = await runAlternating(
          CONTENDERS,
          fake.port,
          level,
          text,
          `${mode} @${level}`,
        );
        for (const kind of SERVERS)
          byServer[kind].forEach((figures, i) =>
            results.runs.push({ mode, level, rep: i + 1, server: kind, figures }),
          );
        results.load[mode][level] = Object.fromEntries(
          SERVERS.map((kind) => [kind, medianFigures(byServer[kind])]),
        );
      }
      await fake.stop();
    }
  }
  if (!skip('split')) {
    // CPU per stream at two reply lengths (50 streams at a time, burst): a line through the two
    // points splits it into what a turn costs whatever its length and what each event adds.
    const lengths = [shortTokens, tokens * 5];
    const byLength: Record<ServerKind, LoadFigures[]>[] = [];
    for (const length of lengths) {
      const reply = replyText(length);
      const fake = await startFake([], reply);
      byLength.push(
        await runAlternating(CONTENDERS, fake.port, 50, reply, `split ${length} tokens`),
      );
      await fake.stop();
    }
    for (const kind of SERVERS) {
      const points = lengths.map((length, i) => ({
        tokens: length,
        figures: medianFigures(byLength[i][kind]),
      }));
      const split = splitCost(points[0].figures, points[1].figures);
      results.split.push({ server: kind, points, ...split });
      console.log(
        `split ${kind}: ${split.perTurnMs.toFixed(2)} ms per turn + ${split.perEventUs.toFixed(1)} µs per event`,
      );
    }
  }
  if (!skip('idle')) {
    const fake = await startFake(['--token-delay-ms', '10000']);
    for (const level of idleLevels) {
      for (const kind of SERVERS) {
        const figures = await withHeapProbe(kind, fake.port, (server, probe) =>
          measureIdle(server, level, probe),
        );
        results.idle.push({ level, server: kind, figures });
        console.log(
          `idle ${level} ${kind}: held ${figures.held}, ${figures.kibPerStream.toFixed(1)} KiB RSS/stream, ${figures.heapKibPerStream?.toFixed(1)} KiB heap/stream, errors ${figures.errors}`,
        );
      }
    }
    await fake.stop();
  }
  if (!skip('retained')) {
    const fake = await startFake([]);
    for (const kind of API_AND_BASELINE) {
      const figures = await withHeapProbe(kind, fake.port, (server, probe) =>
        measureRetained(server, probe, durationMs, text),
      );
      results.retained.push({ server: kind, figures });
      console.log(
        `retained ${kind}: ${figures.turns} turns, ${figures.kibPerTurn.toFixed(2)} KiB heap per finished turn, errors ${figures.errors}`,
      );
    }
    await fake.stop();
  }
  if (!skip('cancel')) {
    const upstream = await startSlowUpstream();
    // One cycle at a time times the cancel path itself; ten at a time, a cancel among stream starts.
    for (const workers of [1, 10]) {
      for (const kind of API_AND_BASELINE) {
        const server = await startServer(kind, upstream.port);
        const samples = workers === 1 ? Math.max(20, Math.round(cancelSamples / 4)) : cancelSamples;
        const figures = await measureCancel(server, upstream.closedAt, samples, workers);
        await server.stop();
        results.cancel.push({ server: kind, figures });
        console.log(
          `cancel ×${workers} ${kind}: p50 ${figures.p50.toFixed(2)} ms, p99 ${figures.p99.toFixed(2)} ms, CPU ${figures.cpuPercent.toFixed(0)}%`,
        );
      }
    }
    upstream.close();
  }
  if (!skip('pace')) results.pace = await measurePace();
  if (!skip('memory')) results.memory = await measureDatabaseMemory();
  if (values.redis && !skip('scale-out')) results.scaleOut = await scaleOut();
  if (!skip('knowledge')) results.knowledge = await knowledge();
  if (compareWith) results.compare = await compareBuilds(compareWith, compareNode);
  const tables = renderTables(results);
  console.log(`\n${tables}`);
  const dir = path.join(root, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const json = JSON.stringify(results, null, 2);
  writeFileSync(path.join(dir, `${results.startedAt.replace(/[:.]/g, '-')}.json`), json);
  writeFileSync(path.join(dir, 'latest.json'), json);
  writeFileSync(
    path.join(dir, 'latest.md'),
    `${tables}\nCommand: \`${results.command}\` (${results.startedAt}, Node ${process.version}, ${os.cpus().length} cores)\n`,
  );
  console.log(`Results: ${path.relative(root, dir)}/latest.json, latest.md`);
}

main().then(
  async () => {
    scratch.removeAll();
    await postgres?.drop();
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
