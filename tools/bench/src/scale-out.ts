/**
 * Several instances (issue 17, target 5): two API instances, A and B, sharing one PostgreSQL
 * database and one Redis prefix, as a deployment behind a proxy runs them. Streams run on A;
 * their cancel or resume goes to B (through Redis) or, as the baseline of the same run, to A
 * itself (in memory). Targets: cancel → A's upstream socket closed, and resume → first event,
 * both under 50 ms p99, the resume at 100 streams.
 */
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createChatEventParser, type ReceivedEvent } from '@chat/test-support';
import { cpuSeconds, type BenchProcess } from './processes';
import { percentile } from './stream-client';
import { fmt, type TableSpec } from './table';

/** Where a cancel or resume goes: the instance running the stream (A), or the other one (B). */
export type ScaleOutTarget = 'same instance' | 'other instance';
const TARGETS: readonly ScaleOutTarget[] = ['same instance', 'other instance'];

/** The target both figures are held to (issue 17). */
const TARGET_P99_MS = 50;

/** p50, p99 and max of a set of latencies in ms (NaN when there are none). */
export interface Spread {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

const spread = (values: number[]): Spread => ({
  samples: values.length,
  p50: percentile(values, 50),
  p99: percentile(values, 99),
  max: values.length > 0 ? Math.max(...values) : NaN,
});

export interface CrossCancelFigures {
  target: ScaleOutTarget;
  /** Open-cancel cycles side by side: 1 times the cancel path alone, 10 among stream starts. */
  workers: number;
  /** Cancel sent → A's upstream socket closed. */
  closed: Spread;
  /** Cancel sent → its `200` answer: what the receiving instance spends before passing it on. */
  answered: Spread;
  errors: number;
  firstError?: string;
  cpuPercentA: number;
  cpuPercentB: number;
}

export interface CrossResumeFigures {
  target: ScaleOutTarget;
  /** How the drops fall: spread over the middle half of each reply, or all at one moment. */
  drops: 'spread' | 'together';
  streams: number;
  /** Resume request sent → its first event, over every repetition. */
  firstEvent: Spread;
  /** The p99 of each repetition, to show how much one run varies. */
  p99ByRep: number[];
  /** Resumed streams whose text before the drop plus after the resume is the reply, byte for byte, ending in `done`. */
  identical: number;
  errors: number;
  firstError?: string;
  cpuPercentA: number;
  cpuPercentB: number;
}

export interface ScaleOutResults {
  /** The cores A and B are pinned to (the load generator and the upstreams run on core 1). */
  cores: { a: number; b: number };
  /** Time between a client dropping its stream and sending the resume. */
  resumePauseMs: number;
  /**
   * The machine's 1-minute load average, lowest and highest seen at the end of a run: above the
   * 2 cores, other work took CPU from the instances and the tails say more of it than of them.
   */
  loadAverage: { min: number; max: number };
  /** The paced upstream of the resume runs: ms between tokens. */
  tokenDelayMs: number;
  cancel: CrossCancelFigures[];
  resume: CrossResumeFigures[];
}

/** What one SSE response carried, as far as it was read. */
interface StreamRead {
  status?: number;
  /** The id of the last event read (the `firstId` given, minus one, if none). */
  lastId: number;
  /** The `chunk` contents read, concatenated. */
  text: string;
  lastType: string;
  error?: string;
}

interface OpenedStream {
  readonly read: Promise<StreamRead>;
  /** Drops the connection, as a client going away; events already received are not reported. */
  drop(): void;
}

/**
 * One chat SSE response (the stream `POST` or the resume `GET`), read as a strict client would:
 * ids consecutive from `firstId`, every event checked against the contract. `onEvent` gets each
 * event with the time it was parsed.
 */
function openChatStream(
  port: number,
  request: {
    method: 'GET' | 'POST';
    path: string;
    headers?: Record<string, string>;
    body?: string;
  },
  firstId: number,
  onEvent: (received: ReceivedEvent, at: number) => void,
  timeoutMs = 30_000,
): OpenedStream {
  const read: StreamRead = { lastId: firstId - 1, text: '', lastType: '' };
  let settled = false;
  let settle: (error?: string) => void = () => undefined;
  const req = http.request({
    host: '127.0.0.1',
    port,
    method: request.method,
    path: request.path,
    agent: false,
    headers: {
      accept: 'text/event-stream',
      ...(request.body === undefined
        ? {}
        : {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(request.body),
          }),
      ...request.headers,
    },
  });
  const promise = new Promise<StreamRead>((resolve) => {
    settle = (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      read.error = error;
      resolve(read);
    };
  });
  const fail = (error: string) => {
    settle(error);
    req.destroy();
  };
  const timer = setTimeout(() => fail(`timeout after ${timeoutMs} ms`), timeoutMs);
  const parser = createChatEventParser((received) => {
    if (settled) return;
    const at = performance.now();
    if (received.id !== read.lastId + 1)
      return fail(`event id ${received.id} after ${read.lastId}`);
    read.lastId = received.id;
    read.lastType = received.event.type;
    if (received.event.type === 'chunk') read.text += received.event.content;
    if (received.event.type === 'error')
      return fail(`error event: ${JSON.stringify(received.event)}`);
    onEvent(received, at);
  });
  req.on('error', (error) => settle(`request: ${error.message}`));
  req.on('response', (res) => {
    read.status = res.statusCode;
    if (res.statusCode !== 200) {
      res.resume();
      return fail(`status ${res.statusCode}`);
    }
    res.setEncoding('utf8');
    res.on('data', (text: string) => {
      try {
        parser.feed(text);
      } catch (error) {
        fail((error as Error).message);
      }
    });
    res.on('error', (error) => settle(`response: ${error.message}`));
    res.on('end', () =>
      settle(read.lastType === 'done' ? undefined : `ended after ${read.lastType || 'nothing'}`),
    );
  });
  req.end(request.body);
  return {
    read: promise,
    drop: () => {
      settle();
      req.destroy();
    },
  };
}

/** `POST /api/chat/streams/{id}/cancel` to `port`; resolves with the status when answered. */
function sendCancel(port: number, streamId: string, sessionToken: string): Promise<number> {
  return new Promise((resolve) => {
    http
      .request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        agent: false,
        path: `/api/chat/streams/${streamId}/cancel`,
        headers: { 'x-session-token': sessionToken },
      })
      .on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', () => resolve(0))
      .end();
  });
}

let counter = 0;
/** A session id and a cancel marker (the slow upstream tells requests apart by `cancel-<n>`) unique in this run. */
const nextMarker = () => `cancel-${++counter}`;
const sessionOf = (marker: string) => `scale-${process.pid}-${marker}`;
const messageOf = (marker: string) => `Please stop me: ${marker}`;

/** The server's CPU while `run` runs, in percent of one core. */
async function withCpu<T>(
  servers: BenchProcess[],
  run: () => Promise<T>,
): Promise<{ result: T; cpuPercent: number[] }> {
  const before = servers.map((s) => cpuSeconds(s.pid));
  const started = performance.now();
  const result = await run();
  const elapsedSec = (performance.now() - started) / 1000;
  return {
    result,
    cpuPercent: servers.map((s, i) => ((cpuSeconds(s.pid) - before[i]) / elapsedSec) * 100),
  };
}

/**
 * `samples` open-cancel cycles, `workers` at a time: a stream on A (its upstream sends a token
 * every 20 ms and never ends), its cancel sent after its first chunk to A or B, timed to the
 * moment A's upstream socket closes (read by the upstream, in this process, on this clock).
 */
export async function measureCrossCancel(
  a: BenchProcess,
  b: BenchProcess,
  target: ScaleOutTarget,
  closedAt: Map<string, number>,
  samples: number,
  workers: number,
): Promise<CrossCancelFigures> {
  const closed: number[] = [];
  const answered: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const error = (why: string) => {
    errors++;
    firstError ??= why;
  };
  const cancelPort = target === 'same instance' ? a.port : b.port;
  let started = 0;
  const cycle = async () => {
    const marker = nextMarker();
    let sentAt = NaN;
    let answer: Promise<number> | undefined;
    let streamId = '';
    let token = '';
    const stream = openChatStream(
      a.port,
      {
        method: 'POST',
        path: '/api/chat/stream',
        body: JSON.stringify({ message: messageOf(marker), session_id: sessionOf(marker) }),
      },
      1,
      ({ event }) => {
        if (event.type === 'start') {
          streamId = event.stream_id;
          token = event.session_token ?? '';
        }
        if (event.type !== 'chunk' || answer) return;
        sentAt = performance.now();
        answer = sendCancel(cancelPort, streamId, token).then((status) => {
          answered.push(performance.now() - sentAt);
          return status;
        });
      },
      10_000,
    );
    const read = await stream.read;
    const status = await answer;
    // The upstream socket may close just after the stream ends: give it a moment (bounded).
    for (let i = 0; i < 100 && !closedAt.has(marker); i++)
      await new Promise((r) => setTimeout(r, 10));
    const closedTime = closedAt.get(marker);
    closedAt.delete(marker);
    if (read.error) return error(read.error);
    if (status !== 200) return error(`cancel answered ${status}`);
    if (closedTime === undefined)
      return error('upstream socket still open 1 s after the stream ended');
    closed.push(closedTime - sentAt);
  };
  const worker = async () => {
    while (started < samples) {
      started++;
      await cycle();
    }
  };
  const { cpuPercent } = await withCpu([a, b], () =>
    Promise.all(Array.from({ length: workers }, worker)),
  );
  return {
    target,
    workers,
    closed: spread(closed),
    answered: spread(answered),
    errors,
    firstError,
    cpuPercentA: cpuPercent[0],
    cpuPercentB: cpuPercent[1],
  };
}

/** One resumed stream: its first event's latency, or why it failed. */
interface ResumeOutcome {
  firstEventMs: number;
  identical: boolean;
  error?: string;
}

/** Whether the client of stream `i` drops it on receiving event `id`, `elapsedMs` into the run. */
type DropPlan = (i: number, id: number, elapsedMs: number) => boolean;

/**
 * `streams` streams opened on A, one every `openGapMs` (the stream starts are not what is
 * timed); each stream's client drops it when `drop` says, and `pauseMs` later resumes it on A or
 * B with `Last-Event-ID`. Times resume request → first event, and checks each resumed reply
 * complete and byte-identical.
 */
async function resumeRun(
  a: BenchProcess,
  b: BenchProcess,
  target: ScaleOutTarget,
  streams: number,
  expectedText: string,
  drop: DropPlan,
  timing: { openGapMs: number; pauseMs: number },
): Promise<ResumeOutcome[]> {
  const resumePort = target === 'same instance' ? a.port : b.port;
  const runStart = performance.now();
  const one = async (i: number): Promise<ResumeOutcome> => {
    await new Promise((r) => setTimeout(r, i * timing.openGapMs));
    const marker = nextMarker();
    let streamId = '';
    let token = '';
    let dropped = false;
    const first: OpenedStream = openChatStream(
      a.port,
      {
        method: 'POST',
        path: '/api/chat/stream',
        body: JSON.stringify({ message: `Resume me: ${marker}`, session_id: sessionOf(marker) }),
      },
      1,
      ({ id, event }) => {
        if (event.type === 'start') {
          streamId = event.stream_id;
          token = event.session_token ?? '';
        }
        if (!dropped && drop(i, id, performance.now() - runStart)) {
          dropped = true;
          first.drop();
        }
      },
    );
    const before = await first.read;
    if (before.error)
      return { firstEventMs: NaN, identical: false, error: `on A: ${before.error}` };
    if (!dropped)
      return { firstEventMs: NaN, identical: false, error: 'the stream ended before its drop' };
    await new Promise((r) => setTimeout(r, timing.pauseMs));
    let firstEventMs = NaN;
    const sentAt = performance.now();
    const resumed = openChatStream(
      resumePort,
      {
        method: 'GET',
        path: `/api/chat/streams/${streamId}/events`,
        headers: { 'last-event-id': String(before.lastId), 'x-session-token': token },
      },
      before.lastId + 1,
      (_, at) => {
        if (Number.isNaN(firstEventMs)) firstEventMs = at - sentAt;
      },
    );
    const after = await resumed.read;
    if (after.error) return { firstEventMs, identical: false, error: `resumed: ${after.error}` };
    const identical = before.text + after.text === expectedText;
    return {
      firstEventMs,
      identical,
      error: identical
        ? undefined
        : `text differs (${before.text.length + after.text.length} of ${expectedText.length} characters)`,
    };
  };
  return Promise.all(Array.from({ length: streams }, (_, i) => one(i)));
}

export interface ScaleOutOptions {
  reps: number;
  cancelSamples: number;
  resumeStreams: number;
  /** The reply of the resume runs, as the paced upstream sends it. */
  text: string;
  /** Its length in tokens: one `chunk` event each. */
  tokens: number;
  tokenDelayMs: number;
  resumePauseMs: number;
  cores: { a: number; b: number };
  /** The slow, endless upstream of the cancel runs, in this process. */
  startSlowUpstream(): Promise<{ port: number; closedAt: Map<string, number>; close(): void }>;
  /** The paced upstream of the resume runs (`text`, a token every `tokenDelayMs`). */
  startPacedUpstream(): Promise<BenchProcess>;
  /** A and B against the upstream at `upstreamPort`, sharing one database and Redis prefix. */
  startInstances(upstreamPort: number): Promise<[BenchProcess, BenchProcess]>;
}

/** Prints a run's figures with the machine's load average, and keeps the load's range. */
function logRun(results: ScaleOutResults, line: string): void {
  const load = os.loadavg()[0];
  results.loadAverage.min = Math.min(results.loadAverage.min, load);
  results.loadAverage.max = Math.max(results.loadAverage.max, load);
  console.log(`scale-out ${line}, load average ${load.toFixed(2)}`);
}
const ms = (value: number) => value.toFixed(1);

export async function runScaleOut(options: ScaleOutOptions): Promise<ScaleOutResults> {
  const results: ScaleOutResults = {
    cores: options.cores,
    resumePauseMs: options.resumePauseMs,
    tokenDelayMs: options.tokenDelayMs,
    loadAverage: { min: Infinity, max: 0 },
    cancel: [],
    resume: [],
  };
  /** Same instance first on odd repetitions, the other first on even ones. */
  const order = (rep: number) => (rep % 2 ? TARGETS : [...TARGETS].reverse());

  const slow = await options.startSlowUpstream();
  let [a, b] = await options.startInstances(slow.port);
  try {
    // Warm-up: JIT and connection pools of both paths on both instances.
    for (const target of TARGETS) await measureCrossCancel(a, b, target, slow.closedAt, 20, 2);
    for (const workers of [1, 10]) {
      const runs = new Map<ScaleOutTarget, CrossCancelFigures[]>(TARGETS.map((t) => [t, []]));
      const samples =
        workers === 1 ? Math.max(20, Math.round(options.cancelSamples / 4)) : options.cancelSamples;
      for (let rep = 1; rep <= options.reps; rep++) {
        for (const target of order(rep)) {
          const figures = await measureCrossCancel(a, b, target, slow.closedAt, samples, workers);
          runs.get(target)?.push(figures);
          logRun(
            results,
            `cancel ×${workers} to ${target}, rep ${rep}: closed p50 ${ms(figures.closed.p50)} / p99 ${ms(figures.closed.p99)} / max ${ms(figures.closed.max)} ms, answered p99 ${ms(figures.answered.p99)} ms, errors ${figures.errors}, CPU A ${figures.cpuPercentA.toFixed(0)}% B ${figures.cpuPercentB.toFixed(0)}%`,
          );
        }
      }
      for (const figures of runs.values()) results.cancel.push(poolCancel(figures));
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    slow.close();
  }

  const paced = await options.startPacedUpstream();
  [a, b] = await options.startInstances(paced.port);
  try {
    // Streams open over a second; a reply lasts `tokens` × `tokenDelayMs` (4 s at 200 × 20 ms).
    // Event ids: 1 is `start`, then one `chunk` per token, then `done`.
    const timing = { openGapMs: 1000 / options.resumeStreams, pauseMs: options.resumePauseMs };
    const replyMs = options.tokens * options.tokenDelayMs;
    const quarter = Math.max(2, Math.floor(options.tokens / 4));
    const drops: Record<CrossResumeFigures['drops'], DropPlan> = {
      // Stream i drops at an event between the first and the third quarter of its reply: the
      // drops fall after every stream has opened, one every few ms, while all of them run.
      spread: (i, id) => id >= quarter + 1 + Math.floor((i / options.resumeStreams) * 2 * quarter),
      // Every client drops at the same moment, once all streams run: a mass reconnect.
      together: (_, id, elapsedMs) => id >= 2 && elapsedMs >= 1000 + replyMs / 4,
    };
    for (const target of TARGETS)
      await resumeRun(a, b, target, 10, options.text, drops.spread, timing);
    for (const mode of ['spread', 'together'] as const) {
      const runs = new Map<ScaleOutTarget, { outcomes: ResumeOutcome[]; cpu: number[] }[]>(
        TARGETS.map((t) => [t, []]),
      );
      for (let rep = 1; rep <= options.reps; rep++) {
        for (const target of order(rep)) {
          const { result: outcomes, cpuPercent } = await withCpu([a, b], () =>
            resumeRun(a, b, target, options.resumeStreams, options.text, drops[mode], timing),
          );
          runs.get(target)?.push({ outcomes, cpu: cpuPercent });
          const first = spread(outcomes.filter((o) => !o.error).map((o) => o.firstEventMs));
          logRun(
            results,
            `resume (${mode}) on ${target}, rep ${rep}: first event p50 ${ms(first.p50)} / p99 ${ms(first.p99)} / max ${ms(first.max)} ms, identical ${outcomes.filter((o) => o.identical).length}/${outcomes.length}, CPU A ${cpuPercent[0].toFixed(0)}% B ${cpuPercent[1].toFixed(0)}%`,
          );
        }
      }
      for (const [target, reps] of runs) {
        const all = reps.flatMap((r) => r.outcomes);
        const failed = all.filter((o) => o.error);
        const mean = (i: number) => reps.reduce((sum, r) => sum + r.cpu[i], 0) / reps.length;
        results.resume.push({
          target,
          drops: mode,
          streams: options.resumeStreams,
          firstEvent: spread(all.filter((o) => !o.error).map((o) => o.firstEventMs)),
          p99ByRep: reps.map((r) =>
            percentile(
              r.outcomes.filter((o) => !o.error).map((o) => o.firstEventMs),
              99,
            ),
          ),
          identical: all.filter((o) => o.identical).length,
          errors: failed.length,
          firstError: failed[0]?.error,
          cpuPercentA: mean(0),
          cpuPercentB: mean(1),
        });
      }
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await paced.stop();
  }
  return results;
}

/** The repetitions of one cancel setting as one: latencies pooled, CPU averaged. */
function poolCancel(runs: CrossCancelFigures[]): CrossCancelFigures {
  // Spreads cannot be pooled from percentiles: keep every rep's, and the worst p99 and max.
  const pooled = (pick: (f: CrossCancelFigures) => Spread): Spread => ({
    samples: runs.reduce((sum, f) => sum + pick(f).samples, 0),
    p50: percentile(
      runs.map((f) => pick(f).p50),
      50,
    ),
    p99: Math.max(...runs.map((f) => pick(f).p99)),
    max: Math.max(...runs.map((f) => pick(f).max)),
  });
  const mean = (pick: (f: CrossCancelFigures) => number) =>
    runs.reduce((sum, f) => sum + pick(f), 0) / runs.length;
  return {
    target: runs[0].target,
    workers: runs[0].workers,
    closed: pooled((f) => f.closed),
    answered: pooled((f) => f.answered),
    errors: runs.reduce((sum, f) => sum + f.errors, 0),
    firstError: runs.find((f) => f.firstError)?.firstError,
    cpuPercentA: mean((f) => f.cpuPercentA),
    cpuPercentB: mean((f) => f.cpuPercentB),
  };
}

const fixed = (value: number, digits = 1) => fmt(value, digits);
const verdict = (p99: number, errors: number) =>
  errors > 0 || !Number.isFinite(p99)
    ? 'errors: see below'
    : p99 < TARGET_P99_MS
      ? 'met'
      : 'missed';

/** The scale-out tables: cancel and resume, each across instances beside the same instance. */
export function scaleOutTables(results: ScaleOutResults): TableSpec[] {
  const { min, max } = results.loadAverage;
  const pinning =
    results.cores.a === results.cores.b
      ? 'both instances share one core, so the work of B comes out of the core of A'
      : 'each instance has a core of its own, as instances on separate machines do';
  const cores = `A on core ${results.cores.a}, B on core ${results.cores.b} (${pinning}); the load generator and the upstreams on core 1. The machine's 1-minute load average after each run: ${fixed(min, 2)} to ${fixed(max, 2)} (2 cores; above 2, other work took CPU from these processes).`;
  /** A note naming each row's first error, if any. */
  const errorNote = <F extends { firstError?: string }>(figures: F[], name: (f: F) => string) => {
    const errors = figures.filter((f) => f.firstError).map((f) => `${name(f)}: ${f.firstError}`);
    return errors.length > 0 ? [`First errors: ${errors.join('; ')}.`] : [];
  };
  return [
    {
      title:
        'Several instances (Redis): cancel → upstream socket of A closed (upstream: a token per 20 ms)',
      header: [
        'cycles at a time',
        'cancel sent to',
        'samples',
        'p50 ms',
        'p99 ms',
        'max ms',
        'answered p50 / p99 ms',
        'errors',
        'CPU A / B %',
        `p99 < ${TARGET_P99_MS} ms`,
      ],
      text: ['cancel sent to', 'answered p50 / p99 ms', 'CPU A / B %', `p99 < ${TARGET_P99_MS} ms`],
      rows: results.cancel.map((f) => [
        f.workers,
        f.target === 'same instance' ? 'A (same instance)' : 'B (other instance)',
        f.closed.samples,
        fixed(f.closed.p50),
        fixed(f.closed.p99),
        fixed(f.closed.max),
        `${fixed(f.answered.p50)} / ${fixed(f.answered.p99)}`,
        f.errors,
        `${fixed(f.cpuPercentA, 0)} / ${fixed(f.cpuPercentB, 0)}`,
        f.target === 'other instance' ? verdict(f.closed.p99, f.errors) : '(baseline)',
      ]),
      notes: [
        `Streams run on A; the cancel goes to A (in memory) or to B (B looks the stream up in Redis and publishes the cancel; A's subscriber aborts). With several repetitions, p50 is the median of theirs and p99 and max the worst. ${cores}`,
        ...errorNote(results.cancel, (f) => `×${f.workers} to ${f.target}`),
      ],
    },
    {
      title: `Several instances (Redis): resume → first event, ${results.resume[0]?.streams ?? 0} streams running on A (upstream: a token per ${results.tokenDelayMs} ms)`,
      header: [
        'drops',
        'resumed on',
        'resumes',
        'p50 ms',
        'p99 ms',
        'max ms',
        'p99 by repetition',
        'byte-identical',
        'errors',
        'CPU A / B %',
        `p99 < ${TARGET_P99_MS} ms`,
      ],
      text: [
        'drops',
        'resumed on',
        'p99 by repetition',
        'byte-identical',
        'CPU A / B %',
        `p99 < ${TARGET_P99_MS} ms`,
      ],
      rows: results.resume.map((f) => [
        f.drops,
        f.target === 'same instance' ? 'A (same instance)' : 'B (other instance)',
        f.firstEvent.samples,
        fixed(f.firstEvent.p50),
        fixed(f.firstEvent.p99),
        fixed(f.firstEvent.max),
        f.p99ByRep.map((p) => fixed(p)).join(', '),
        `${f.identical} of ${f.firstEvent.samples + f.errors}`,
        f.errors,
        `${fixed(f.cpuPercentA, 0)} / ${fixed(f.cpuPercentB, 0)}`,
        f.target === 'other instance' ? verdict(f.firstEvent.p99, f.errors) : '(baseline)',
      ]),
      notes: [
        `Each client drops its stream after some events and ${results.resumePauseMs} ms later resumes it with \`Last-Event-ID\`, so the first event is one that waited (a replay), not the next token. "spread": the streams open over a second and each drops at an event in the middle half of its reply, so the resumes come one every few ms while all the streams run; "together": every client drops at the same moment, 100 resumes at once (a mass reconnect). Percentiles over every resume of every repetition. ${cores}`,
        ...errorNote(results.resume, (f) => `${f.drops} on ${f.target}`),
      ],
    },
  ];
}
