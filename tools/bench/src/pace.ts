/**
 * Realistic-pace capacity: streams arrive open-loop (Poisson, at a rate stepped up) and every
 * upstream reply is paced like a model (one token per `tokenDelayMs`), so concurrency is what
 * people streaming at once would make of it. A step passes when every stream it started completed
 * and its first-event p99, timed from the *scheduled* arrival (no coordinated omission), stays
 * under the limit; the capacity is the concurrency observed in the last passing step.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { cpuSeconds, type BenchProcess, type ServerKind } from './processes';
import { median, percentile, runStream } from './stream-client';
import { fmt, type TableSpec } from './table';

/** 50 tokens per second, a fast model's pace. */
export const PACE_TOKEN_DELAY_MS = 20;

/** The realistic-pace step whose figures target 6 compares with the AI SDK peer's. */
export const COMPARED_STREAMS = 100;

export interface PaceOptions {
  /** Target concurrent streams per step, in increasing order; rate = level / reply duration. */
  levels: number[];
  /** How long each step's arrivals last; only those after the first reply duration are timed. */
  stepMs: number;
  tokens: number;
  tokenDelayMs: number;
  expectedText: string;
  /** The fake upstream (on the generator's core): its CPU is reported beside the generator's. */
  upstream: BenchProcess;
  /** Streams the generator may hold open at once (the server's file limit). */
  maxOpen: number;
  /** A step fails at this first-event p99 or above. */
  firstEventLimitMs?: number;
  /** Every n-th stream is parsed event by event and checked byte-identical; the others cheaply. */
  fullCheckEvery?: number;
  /**
   * How many times a failing step is run again before stepping stops: on a shared machine a
   * moment when other processes hold the server's core fails a step that the server would pass.
   */
  retries?: number;
}

export interface PaceStep {
  level: number;
  /** 1, or more for a step run again after it failed. */
  attempt: number;
  arrivalsPerSec: number;
  /** Streams started in the step, and those timed (started after the first reply duration). */
  started: number;
  timed: number;
  concurrentMean: number;
  concurrentPeak: number;
  /** From the scheduled arrival to the first complete SSE event. */
  firstEventP50: number;
  firstEventP99: number;
  /** From the scheduled arrival to the end of the reply. */
  replyP99: number;
  failures: number;
  firstError?: string;
  serverCpuPercent: number;
  /**
   * Of the time, how much the server's main thread waited for a CPU while ready to run: other
   * processes on its core (this machine is shared), not its own load.
   */
  serverWaitPercent: number;
  /** How late the generator started streams against its schedule: above a few ms, it is the bottleneck. */
  generatorLagP99: number;
  generatorCpuPercent: number;
  upstreamCpuPercent: number;
  passed: boolean;
}

export interface PaceFigures {
  steps: PaceStep[];
  /** Mean concurrent streams of the last passing step (0 if none passed). */
  capacity: number;
  /** Why stepping stopped. */
  stoppedBy: string;
  /**
   * The step at {@link COMPARED_STREAMS}, run on its own after stepping stopped below it, so that
   * target 6 compares the same load on both servers even when one fails earlier.
   */
  compared?: PaceStep;
}

export interface PaceResults {
  settings: {
    levels: number[];
    stepMs: number;
    tokens: number;
    tokenDelayMs: number;
    firstEventLimitMs: number;
    retries: number;
  };
  runs: { server: ServerKind; rep: number; figures: PaceFigures }[];
}

interface StreamRecord {
  scheduledAt: number;
  timed: boolean;
  ok: boolean;
  error?: string;
  firstEventMs: number;
  replyMs: number;
}

/** Seeded so that every server sees the same arrivals. */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Poisson arrival times (ms, from 0) at `perSec` for `durationMs`. */
function arrivalTimes(perSec: number, durationMs: number, seed: number): number[] {
  const random = randomFrom(seed);
  const times: number[] = [];
  for (let t = 0; ;) {
    t += (-Math.log(1 - random()) / perSec) * 1000;
    if (t >= durationMs) return times;
    times.push(t);
  }
}

const SEP = Buffer.from('\n\n');
const START = Buffer.from('"type":"start"');
const ERROR = Buffer.from('"type":"error"');
const DONE = Buffer.from('"type":"done"');
/** The AI SDK peer's last frame (its UI message stream has no `done` event). */
const UI_DONE = Buffer.from('data: [DONE]');

/**
 * One stream, checked cheaply so that the generator keeps its schedule: status, content type, a
 * complete `start` frame first (its arrival is the first event), no `error` frame, `done` last
 * (or the AI SDK's `[DONE]`).
 */
function openCheapStream(
  port: number,
  agent: http.Agent,
  body: string,
  timeoutMs: number,
): Promise<{ ok: boolean; error?: string; firstEventAt: number }> {
  return new Promise((resolve) => {
    let firstEventAt = NaN;
    let settled = false;
    const settle = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ok: error === undefined, error, firstEventAt });
    };
    const request = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/api/chat/stream',
      agent,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        accept: 'text/event-stream',
      },
    });
    const fail = (error: string) => {
      settle(error);
      request.destroy();
    };
    const timer = setTimeout(() => fail(`timeout after ${timeoutMs} ms`), timeoutMs);
    request.on('error', (error) =>
      settle(
        `request: ${error.message}${request.reusedSocket ? ' (a kept-alive connection)' : ''}`,
      ),
    );
    request.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return fail(`status ${res.statusCode}`);
      }
      if (!String(res.headers['content-type']).startsWith('text/event-stream'))
        return fail('not text/event-stream');
      let head: Buffer | undefined = Buffer.alloc(0);
      let previous: Buffer = Buffer.alloc(0);
      let last: Buffer = Buffer.alloc(0);
      res.on('data', (chunk: Buffer) => {
        if (head) {
          head = Buffer.concat([head, chunk]);
          const end = head.indexOf(SEP);
          if (end >= 0) {
            firstEventAt = performance.now();
            if (!head.subarray(0, end).includes(START)) return fail('first event is not start');
            head = undefined;
          }
        }
        if (chunk.includes(ERROR)) return fail(`error event: ${chunk.toString().slice(0, 300)}`);
        previous = last;
        last = chunk;
      });
      res.on('error', (error) => settle(`response: ${error.message}`));
      res.on('end', () => {
        const tail = Buffer.concat([previous, last]);
        const lastFrame = tail.subarray(tail.lastIndexOf(SEP, tail.length - 3));
        const done = lastFrame.includes(DONE) || lastFrame.includes(UI_DONE);
        settle(done ? undefined : 'did not end with done');
      });
    });
    request.end(body);
  });
}

/** Seconds the main thread of `pid` has waited, runnable, for a CPU (the kernel's schedstat). */
function runQueueSeconds(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
}

let sessionCounter = 0;

/**
 * Steps the arrival rate up through `levels`, each step judged once its streams have ended and the
 * next starting from none, and stops at a step that fails again when run again (`retries`).
 */
export async function measurePacedCapacity(
  server: BenchProcess,
  options: PaceOptions,
): Promise<PaceFigures> {
  const limitMs = options.firstEventLimitMs ?? 100;
  const fullCheckEvery = options.fullCheckEvery ?? 10;
  const retries = options.retries ?? 1;
  const replyMs = options.tokens * options.tokenDelayMs;
  // Each step starts from no streams: after one reply (and a margin) as many end as start.
  const settleMs = replyMs + 500;
  const timeoutMs = 30_000 + replyMs;
  if (options.stepMs <= settleMs)
    throw new Error(`a pace step must last longer than ${settleMs} ms (one reply and a margin)`);
  let open = 0;
  let started = 0;
  const pending = new Set<Promise<void>>();

  const launch = (
    agent: http.Agent,
    scheduledAt: number,
    timed: boolean,
    records: StreamRecord[],
  ) => {
    const record: StreamRecord = {
      scheduledAt,
      timed,
      ok: false,
      firstEventMs: NaN,
      replyMs: NaN,
    };
    records.push(record);
    if (open >= options.maxOpen) {
      record.error = `more than ${options.maxOpen} streams open (file limit)`;
      return;
    }
    const message = 'Tell me about momentum trading.';
    const sessionId = `pace-${process.pid}-${++sessionCounter}`;
    open++;
    const launchedAt = performance.now();
    const done = (
      ++started % fullCheckEvery === 0
        ? runStream({
            port: server.port,
            agent,
            message,
            sessionId,
            expectedText: options.expectedText,
            timeoutMs,
          }).then((o) => ({ ...o, firstEventAt: launchedAt + o.firstEventMs }))
        : openCheapStream(
            server.port,
            agent,
            JSON.stringify({ message, session_id: sessionId }),
            timeoutMs,
          )
    ).then((outcome) => {
      open--;
      record.ok = outcome.ok;
      record.error = outcome.error;
      record.firstEventMs = outcome.firstEventAt - scheduledAt;
      record.replyMs = performance.now() - scheduledAt;
      pending.delete(done);
    });
    pending.add(done);
  };

  /** Starts one step's streams on their schedule from `origin`; resolves when the step's time is up. */
  const runArrivals = (
    agent: http.Agent,
    level: number,
    origin: number,
    lags: number[],
    records: StreamRecord[],
  ): Promise<void> => {
    const perSec = (level * 1000) / replyMs;
    const times = arrivalTimes(perSec, options.stepMs, level).map((t) => origin + t);
    let next = 0;
    return new Promise((resolve) => {
      const tick = () => {
        const now = performance.now();
        while (next < times.length && times[next] <= now) {
          lags.push(now - times[next]);
          launch(agent, times[next], times[next] - origin >= settleMs, records);
          next++;
        }
        const wakeAt = next < times.length ? times[next] : origin + options.stepMs;
        if (next === times.length && now >= wakeAt) return resolve();
        setTimeout(tick, Math.max(0, wakeAt - performance.now()));
      };
      tick();
    });
  };

  /** Runs one step at `level` and judges it once all its streams have ended. */
  const runStep = async (level: number, attempt: number): Promise<PaceStep> => {
    // One per step: a step reuses its connections within a reply's time, but the idle ones left
    // when a step ends would outlive the server's keep-alive timeout and race its close.
    const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 65_536 });
    const origin = performance.now();
    const records: StreamRecord[] = [];
    const lags: number[] = [];
    const concurrency: number[] = [];
    const cpuNow = () => {
      const generator = process.cpuUsage();
      return {
        server: cpuSeconds(server.pid),
        wait: runQueueSeconds(server.pid),
        generator: (generator.user + generator.system) / 1e6,
        upstream: cpuSeconds(options.upstream.pid),
        at: performance.now(),
      };
    };
    let atStart: ReturnType<typeof cpuNow> | undefined;
    let sampler: NodeJS.Timeout | undefined;
    const startWindow = setTimeout(() => {
      atStart = cpuNow();
      sampler = setInterval(() => concurrency.push(open), 50);
    }, settleMs);
    await runArrivals(agent, level, origin, lags, records);
    clearTimeout(startWindow);
    clearInterval(sampler);
    const end = cpuNow();
    const percent = (key: 'server' | 'wait' | 'generator' | 'upstream') =>
      atStart ? ((end[key] - atStart[key]) / (end.at - atStart.at)) * 100000 : NaN;
    const cpu = {
      server: percent('server'),
      wait: percent('wait'),
      generator: percent('generator'),
      upstream: percent('upstream'),
    };
    await Promise.all(pending);
    agent.destroy();
    const timed = records.filter((r) => r.timed);
    const failed = records.filter((r) => !r.ok);
    const firstEvents = timed.filter((r) => r.ok).map((r) => r.firstEventMs);
    const p99 = percentile(firstEvents, 99);
    return {
      level,
      attempt,
      arrivalsPerSec: (level * 1000) / replyMs,
      started: records.length,
      timed: timed.length,
      concurrentMean: concurrency.reduce((a, b) => a + b, 0) / Math.max(1, concurrency.length),
      concurrentPeak: Math.max(0, ...concurrency),
      firstEventP50: percentile(firstEvents, 50),
      firstEventP99: p99,
      replyP99: percentile(
        timed.filter((r) => r.ok).map((r) => r.replyMs),
        99,
      ),
      failures: failed.length,
      firstError: failed[0]?.error,
      serverCpuPercent: cpu.server,
      serverWaitPercent: cpu.wait,
      generatorLagP99: percentile(lags, 99),
      generatorCpuPercent: cpu.generator,
      upstreamCpuPercent: cpu.upstream,
      passed: failed.length === 0 && timed.length > 0 && p99 < limitMs,
    };
  };

  const steps: PaceStep[] = [];
  let stoppedBy = `every step passed (up to ${options.levels.at(-1)} streams)`;
  stepping: for (const level of options.levels) {
    for (let attempt = 1; ; attempt++) {
      const step = await runStep(level, attempt);
      steps.push(step);
      console.log(
        `  pace @${level}${attempt > 1 ? ` (attempt ${attempt})` : ''}: ${step.concurrentMean.toFixed(0)} open, first event p99 ${step.firstEventP99.toFixed(1)} ms, failures ${step.failures}, server CPU ${step.serverCpuPercent.toFixed(0)}% (waiting ${step.serverWaitPercent.toFixed(0)}%), generator lag p99 ${step.generatorLagP99.toFixed(1)} ms${step.passed ? '' : ' — failed'}`,
      );
      if (step.passed) break;
      if (attempt > retries) {
        stoppedBy =
          step.failures > 0
            ? `${step.failures} failed streams at ${level}`
            : `first event p99 ${step.firstEventP99.toFixed(0)} ms at ${level}`;
        break stepping;
      }
    }
  }
  const passing = steps.filter((s) => s.passed);
  return { steps, capacity: passing.at(-1)?.concurrentMean ?? 0, stoppedBy };
}

/** A server's realistic-pace capacity: the median over its runs (NaN if it did not run). */
export function paceCapacity(pace: PaceResults | undefined, server: ServerKind): number {
  return median(
    (pace?.runs ?? []).filter((r) => r.server === server).map((r) => r.figures.capacity),
  );
}

/** The capacity of each server (each repetition and their median), then the steps of the median run. */
export function paceTables(pace: PaceResults): TableSpec[] {
  const { settings } = pace;
  const byServer = (server: ServerKind) =>
    pace.runs.filter((r) => r.server === server).map((r) => r.figures);
  const capacity = (server: ServerKind) => paceCapacity(pace, server);
  const servers = (['api', 'stack', 'peer', 'baseline'] as const).filter(
    (s) => byServer(s).length > 0,
  );
  const reply = `${settings.tokens} tokens, one per ${settings.tokenDelayMs} ms`;
  const summary: TableSpec = {
    title: `Realistic-pace capacity: open-loop (Poisson) arrivals, replies of ${reply}, stepped up until first event p99 ≥ ${settings.firstEventLimitMs} ms or a stream fails`,
    header: [
      'server',
      'capacity (concurrent streams)',
      'each repetition',
      'stopped by (median run)',
    ],
    text: ['server', 'each repetition', 'stopped by (median run)'],
    rows: servers.map((server) => {
      const runs = byServer(server);
      const medianRun = runs.find((f) => f.capacity === capacity(server)) ?? runs[0];
      return [
        server,
        fmt(capacity(server), 0),
        runs.map((f) => fmt(f.capacity, 0)).join(', '),
        medianRun.stoppedBy,
      ];
    }),
    notes: [
      `Capacity: the mean number of streams open in the last step that passed (every stream complete, first event p99 under ${settings.firstEventLimitMs} ms from its scheduled arrival), median of the repetitions; a failing step is run again (${settings.retries} more time${settings.retries === 1 ? '' : 's'}) before stepping stops.`,
    ],
  };
  const stepTables = servers.map((server): TableSpec => {
    const runs = pace.runs.filter((r) => r.server === server);
    const chosen = runs.find((r) => r.figures.capacity === capacity(server)) ?? runs[0];
    const lagging = chosen.figures.steps.filter((s) => s.generatorLagP99 > 10);
    const contended = chosen.figures.steps.filter((s) => s.serverWaitPercent > 20);
    const errors = chosen.figures.steps.filter((s) => s.firstError);
    return {
      title: `Realistic pace, ${server} (repetition ${chosen.rep}), ${settings.stepMs / 1000} s of arrivals per step, each from no streams`,
      header: [
        'target streams',
        'arrivals/s',
        'timed',
        'open: mean',
        'peak',
        'first event p50 ms',
        'p99 ms',
        'reply p99 s',
        'failures',
        'server CPU %',
        'server waiting for CPU %',
        'generator lag p99 ms',
        'generator / upstream CPU %',
        'step',
      ],
      text: ['generator / upstream CPU %', 'step'],
      rows: [
        ...chosen.figures.steps.map((s) => ({ s, alone: false })),
        ...(chosen.figures.compared ? [{ s: chosen.figures.compared, alone: true }] : []),
      ].map(({ s, alone }) => [
        s.level,
        fmt(s.arrivalsPerSec, 1),
        s.timed,
        fmt(s.concurrentMean, 0),
        s.concurrentPeak,
        fmt(s.firstEventP50, 1),
        fmt(s.firstEventP99, 1),
        fmt(s.replyP99 / 1000, 2),
        s.failures,
        fmt(s.serverCpuPercent, 0),
        fmt(s.serverWaitPercent, 0),
        fmt(s.generatorLagP99, 1),
        `${fmt(s.generatorCpuPercent, 0)} / ${fmt(s.upstreamCpuPercent, 0)}`,
        `${s.passed ? 'passed' : 'failed'}${s.attempt > 1 ? ` (attempt ${s.attempt})` : ''}${alone ? ' (run alone, for target 6)' : ''}`,
      ]),
      notes: [
        ...(lagging.length > 0
          ? [
              `The generator lagged its schedule (p99 above 10 ms) at ${lagging.map((s) => s.level).join(', ')} streams: there its own delay is in the first-event figures, so they overstate the server's. The generator and the upstream share one core.`,
            ]
          : []),
        ...(contended.length > 0
          ? [
              `At ${contended.map((s) => s.level).join(', ')} streams the server waited for its core more than a fifth of the time (other processes ran on it): there the figures are the machine's as much as the server's.`,
            ]
          : []),
        ...errors.map((s) => `First error at ${s.level}: ${s.firstError}`),
      ],
    };
  });
  return [summary, ...stepTables];
}
