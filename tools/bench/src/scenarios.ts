import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { SESSION_TOKEN_HEADER } from '@chat/contracts';
import type { HeapProbe } from './heap-probe';
import { cpuSeconds, rssKiB, watchRss, type BenchProcess } from './processes';
import { percentile, runStream, type StreamOutcome } from './stream-client';

export interface LoadFigures {
  streams: number;
  streamsPerSec: number;
  eventsPerSec: number;
  firstEventP50: number;
  firstEventP99: number;
  firstChunkP50: number;
  firstChunkP99: number;
  totalP50: number;
  totalP99: number;
  errors: number;
  firstError?: string;
  peakRssMiB: number;
  cpuPercent: number;
  /** CPU time of the server per completed stream: its cost, whatever held the load back. */
  cpuMsPerStream: number;
}

let sessionCounter = 0;
const nextSession = (prefix: string) => `${prefix}-${process.pid}-${++sessionCounter}`;

/** `concurrency` clients, each opening one stream after another, for `durationMs` (then the last ones finish). */
export async function drive(
  server: BenchProcess,
  concurrency: number,
  durationMs: number,
  expectedText: string,
): Promise<StreamOutcome[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const outcomes: StreamOutcome[] = [];
  const deadline = performance.now() + durationMs;
  const client = async () => {
    while (performance.now() < deadline) {
      outcomes.push(
        await runStream({
          port: server.port,
          agent,
          message: 'Tell me about momentum trading.',
          sessionId: nextSession('load'),
          expectedText,
          timeoutMs: 60_000,
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  agent.destroy();
  return outcomes;
}

export async function measureLoad(
  server: BenchProcess,
  concurrency: number,
  durationMs: number,
  expectedText: string,
): Promise<LoadFigures> {
  await drive(server, concurrency, Math.min(1000, durationMs), expectedText); // warm-up: JIT, pools, lazy modules
  const rss = watchRss(server.pid);
  const cpuBefore = cpuSeconds(server.pid);
  const started = performance.now();
  const outcomes = await drive(server, concurrency, durationMs, expectedText);
  const elapsedSec = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  const peakRssKiB = rss.stop();
  const ok = outcomes.filter((o) => o.ok);
  const failed = outcomes.filter((o) => !o.ok);
  return {
    streams: outcomes.length,
    streamsPerSec: ok.length / elapsedSec,
    eventsPerSec: ok.reduce((sum, o) => sum + o.events, 0) / elapsedSec,
    ...percentiles(
      'firstEvent',
      ok.map((o) => o.firstEventMs),
    ),
    ...percentiles(
      'firstChunk',
      ok.map((o) => o.firstChunkMs),
    ),
    ...percentiles(
      'total',
      ok.map((o) => o.totalMs),
    ),
    errors: failed.length,
    firstError: failed[0]?.error,
    peakRssMiB: peakRssKiB / 1024,
    cpuPercent: (cpu / elapsedSec) * 100,
    cpuMsPerStream: (cpu * 1000) / Math.max(1, ok.length),
  };
}

export interface RetainedFigures {
  turns: number;
  errors: number;
  firstError?: string;
  heapBeforeMiB: number;
  heapAfterMiB: number;
  kibPerTurn: number;
}

/**
 * What the server still holds after `durationMs` of finished turns at 50 concurrent streams (each
 * its own conversation): the live heap after a full collection, before and after, per turn. It is
 * the cost of a conversation kept for reload and resume (the transcript, the resumable events).
 */
export async function measureRetained(
  server: BenchProcess,
  probe: HeapProbe,
  durationMs: number,
  expectedText: string,
): Promise<RetainedFigures> {
  await drive(server, 50, Math.min(1000, durationMs), expectedText); // warm-up: JIT, pools, lazy modules
  const before = await probe.heapUsedAfterGc();
  const outcomes = await drive(server, 50, durationMs, expectedText);
  const after = await probe.heapUsedAfterGc();
  const failed = outcomes.filter((o) => !o.ok);
  return {
    turns: outcomes.length,
    errors: failed.length,
    firstError: failed[0]?.error,
    heapBeforeMiB: before / 2 ** 20,
    heapAfterMiB: after / 2 ** 20,
    kibPerTurn: (after - before) / 1024 / Math.max(1, outcomes.length),
  };
}

export interface IdleFigures {
  target: number;
  held: number;
  errors: number;
  firstError?: string;
  rssBeforeMiB: number;
  rssHeldMiB: number;
  kibPerStream: number;
  /** Live JS heap after a full collection, per open stream (with a heap probe). */
  heapKibPerStream?: number;
  openSec: number;
}

/**
 * Opens `count` streams against an upstream that sends one token per 10 s and keeps them all open,
 * then reads the server's RSS. Opening is paced (at most 200 handshakes in flight).
 */
export async function measureIdle(
  server: BenchProcess,
  count: number,
  probe?: HeapProbe,
): Promise<IdleFigures> {
  const requests: http.ClientRequest[] = [];
  const heapBefore = await probe?.heapUsedAfterGc();
  const rssBefore = rssKiB(server.pid);
  let held = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  let next = 0;
  const opener = async () => {
    while (next < count) {
      next++;
      await new Promise<void>((opened) => {
        void runStream({
          port: server.port,
          agent: false,
          message: 'Hold this stream open.',
          sessionId: nextSession('idle'),
          timeoutMs: 600_000,
          onOpen: (request) => {
            requests.push(request);
            held++;
            opened();
          },
        }).then((outcome) => {
          // A stream that ends while the test holds it is an error, as is one that never opened.
          if (outcome.firstEventMs >= 0) held--;
          if (!stopping) {
            errors++;
            firstError ??= outcome.error ?? 'ended early';
          }
          opened();
        });
      });
    }
  };
  let stopping = false;
  await Promise.all(Array.from({ length: 200 }, opener));
  const openSec = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 3000)); // let the server settle (lazy allocations, GC)
  const rssHeld = rssKiB(server.pid);
  const heapHeld = await probe?.heapUsedAfterGc();
  const stillHeld = held;
  stopping = true;
  for (const request of requests) request.destroy();
  return {
    target: count,
    held: stillHeld,
    errors,
    firstError,
    rssBeforeMiB: rssBefore / 1024,
    rssHeldMiB: rssHeld / 1024,
    kibPerStream: (rssHeld - rssBefore) / Math.max(1, stillHeld),
    heapKibPerStream:
      heapBefore === undefined || heapHeld === undefined
        ? undefined
        : (heapHeld - heapBefore) / 1024 / Math.max(1, stillHeld),
    openSec,
  };
}

export interface CancelFigures {
  /** Open-cancel cycles run side by side: 1 times the cancel path alone, 10 under load. */
  workers: number;
  samples: number;
  p50: number;
  p99: number;
  errors: number;
  firstError?: string;
  /** The server's CPU while cycling: near 100 means a cancel queued behind other requests. */
  cpuPercent: number;
}

/**
 * A slow upstream in this process (one token per 20 ms), so that the moment its socket closes is
 * read on the same clock as the moment the client sent the cancel. Requests are told apart by
 * the user message (`cancel-<n>`).
 */
export function startSlowUpstream(): Promise<{
  port: number;
  closedAt: Map<string, number>;
  close(): void;
}> {
  const closedAt = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (text: string) => (raw += text));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}');
      const messages: { content?: string }[] = body.messages ?? [];
      const marker = messages.map((m) => /cancel-\d+/.exec(String(m.content))?.[0]).find(Boolean);
      if (!body.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(
          JSON.stringify({
            id: 'x',
            object: 'chat.completion',
            created: 0,
            model: 'bench',
            choices: [
              { index: 0, message: { role: 'assistant', content: '{}' }, finish_reason: 'stop' },
            ],
            usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
          }),
        );
      }
      if (marker) req.socket.once('close', () => closedAt.set(marker, performance.now()));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: object) =>
        `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'bench', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`;
      res.write(chunk({ role: 'assistant', content: '' }));
      const timer = setInterval(() => res.write(chunk({ content: ' word' })), 20);
      res.once('close', () => clearInterval(timer));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as { port: number }).port,
        closedAt,
        close: () => {
          server.closeAllConnections();
          server.close();
        },
      }),
    ),
  );
}

/** Markers are never reused: the upstream's record of closed sockets outlives one run. */
let cancelMarkers = 0;

/**
 * Opens streams (`workers` at a time), cancels each after its first chunk (as its owner, with the
 * session token of its `start` event), and times cancel →
 * upstream socket closed. Every cycle starts a stream, so with several workers the figure
 * includes the wait behind other streams' starts once those saturate the server's core.
 */
export async function measureCancel(
  server: BenchProcess,
  closedAt: Map<string, number>,
  samples: number,
  workers: number,
): Promise<CancelFigures> {
  const cpuBefore = cpuSeconds(server.pid);
  const started = performance.now();
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const worker = async () => {
    while (next < samples) {
      next++;
      const marker = `cancel-${++cancelMarkers}`;
      let cancelledAt = NaN;
      let streamId = '';
      let sessionToken = '';
      let cancelRefused: string | undefined;
      const outcome = await runStream({
        port: server.port,
        agent: false,
        message: `Please stop me: ${marker}`,
        sessionId: nextSession('cancel'),
        timeoutMs: 10_000,
        onEvent: (event) => {
          if (event.type === 'start') {
            streamId = event.stream_id ?? '';
            sessionToken = event.session_token ?? '';
          }
          if (event.type !== 'chunk' || !Number.isNaN(cancelledAt)) return;
          cancelledAt = performance.now();
          http
            .request({
              host: '127.0.0.1',
              port: server.port,
              method: 'POST',
              agent: false,
              path: `/api/chat/streams/${streamId}/cancel`,
              headers: { [SESSION_TOKEN_HEADER]: sessionToken },
            })
            .on('response', (res) => {
              res.resume();
              if (res.statusCode !== 200) cancelRefused ??= `cancel answered ${res.statusCode}`;
            })
            .on('error', () => undefined)
            .end();
        },
      });
      // The upstream socket may close just after the stream ends: give it a moment (bounded).
      for (let i = 0; i < 20 && !closedAt.has(marker); i++)
        await new Promise((r) => setTimeout(r, 50));
      const closed = closedAt.get(marker);
      if (!outcome.ok || closed === undefined || Number.isNaN(cancelledAt)) {
        errors++;
        firstError ??=
          outcome.error ??
          cancelRefused ??
          (closed === undefined
            ? 'upstream socket still open 1 s after the stream ended'
            : 'no chunk');
      } else latencies.push(closed - cancelledAt);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  const elapsedSec = (performance.now() - started) / 1000;
  return {
    workers,
    cpuPercent: ((cpuSeconds(server.pid) - cpuBefore) / elapsedSec) * 100,
    samples: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
    firstError,
  };
}

/** `<name>P50` and `<name>P99` of `values`. */
function percentiles<N extends string>(
  name: N,
  values: number[],
): Record<`${N}P50` | `${N}P99`, number> {
  return {
    [`${name}P50`]: percentile(values, 50),
    [`${name}P99`]: percentile(values, 99),
  } as Record<`${N}P50` | `${N}P99`, number>;
}
