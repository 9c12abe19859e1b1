import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { type FakeOpenAiServer, startFakeOpenAi } from '@chat/fake-openai';
import {
  type RunningBuiltApi,
  ScratchDirs,
  startBuiltApi,
  stopProcess,
  testRedisPrefix,
  testRedisUrl,
} from '@chat/test-support';

/**
 * Abusive WebSocket clients against the built API in a process of its own, so that its memory
 * and its answers to others are measured as an operator would see them. With Redis (always
 * under CI) the commands the flood causes are counted on the test's Redis.
 */

const SOCKETS = 10;
const FRAMES_PER_SOCKET = 30_000;

/** The server process's resident memory (bytes). */
function rssOf(pid: number): number {
  try {
    const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(line?.[1] ?? 0) * 1024;
  } catch {
    return 0; // it has exited
  }
}

interface Outcome {
  code: number;
  reason: string;
  replies: number;
}

/** Opens a socket, sends `frames` at once, and resolves with how it was closed and how many replies came first. */
async function flood(
  url: string,
  frames: string[],
  { read = true } = {},
): Promise<{ socket: WebSocket; outcome: Promise<Outcome> }> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/api/chat/ws`);
  let replies = 0;
  socket.on('message', () => replies++);
  socket.on('error', () => undefined);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  if (!read) socket.pause();
  const outcome = new Promise<Outcome>((resolve) =>
    socket.once('close', (code: number, reason: Buffer) =>
      resolve({ code, reason: reason.toString(), replies }),
    ),
  );
  void (async () => {
    // In batches, yielding between them, so that this process goes on reading (the close, the
    // health answers) as an attacker's separate machine would; a closed socket stops the flood.
    for (let i = 0; i < frames.length && socket.readyState === WebSocket.OPEN; i++) {
      socket.send(frames[i] as string);
      if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  return { socket, outcome };
}

/** `GET /api/health`'s status, on a connection of its own; 0 if it failed or took over a minute. */
function healthStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(`${url}/api/health`, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', () => resolve(0));
    request.setTimeout(60_000, () => request.destroy());
  });
}

/** Sends `frame()` at most `max` times, each once the previous one was answered, until the socket closes. */
async function oneAtATime(
  url: string,
  frame: () => string,
  max: number,
): Promise<{ sent: number; closed?: Outcome }> {
  const { socket, outcome } = await flood(url, []);
  let answered = 0;
  socket.on('message', () => answered++);
  let sent = 0;
  while (socket.readyState === WebSocket.OPEN && sent < max) {
    socket.send(frame());
    sent++;
    const deadline = Date.now() + 2000;
    while (answered < sent && socket.readyState === WebSocket.OPEN && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  const closed = await Promise.race([
    outcome,
    new Promise<undefined>((r) => void setTimeout(() => r(undefined), 2000).unref()),
  ]);
  socket.terminate();
  return { sent, closed };
}

/** The slowest `GET /api/health` answer while `running` holds (ms), asked one after the other. */
async function slowestHealth(url: string, running: () => boolean): Promise<number> {
  let slowest = 0;
  while (running()) {
    const started = performance.now();
    const status = await healthStatus(url);
    slowest = Math.max(slowest, status === 200 ? performance.now() - started : Infinity);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return slowest;
}

/** Counts the commands Redis runs on keys under `prefix` (MONITOR, on a connection of its own). */
async function countRedisCommands(
  url: string,
  prefix: string,
): Promise<{ count(): number; stop(): Promise<void> }> {
  const redis = new Redis(url);
  const monitor = await redis.monitor();
  let commands = 0;
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args.some((arg) => arg.includes(prefix))) commands++;
  });
  return {
    count: () => commands,
    stop: async () => {
      monitor.disconnect();
      redis.disconnect();
    },
  };
}

describe('WebSocket frame budgets (the built API)', () => {
  const scratch = new ScratchDirs();
  const redisUrl = testRedisUrl();
  const prefix = testRedisPrefix();
  let fake: FakeOpenAiServer;
  let api: RunningBuiltApi;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    api = await startBuiltApi(
      {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        MAIL_OUTBOX_DIR: scratch.make('outbox-'),
        DATA_DIR: scratch.make('data-'),
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: fake.url,
        LOG_LEVEL: 'warn',
        ...(redisUrl && { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix }),
      },
      { timeoutMs: 60_000 },
    );
  }, 90_000);
  afterAll(async () => {
    await stopProcess(api?.child);
    await fake.close();
    scratch.removeAll();
  });

  it('closes sockets flooding cancel frames with 1008 long before their frames are done, and stays responsive', async () => {
    const pid = api.child.pid as number;
    const rssBefore = rssOf(pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(pid))), 50);
    const redis = redisUrl ? await countRedisCommands(redisUrl, prefix) : undefined;
    const cancel = JSON.stringify({
      type: 'cancel',
      stream_id: randomUUID(),
      session_token: 'x'.repeat(22),
    });
    const frames = Array.from({ length: FRAMES_PER_SOCKET }, () => cancel);
    const started = performance.now();
    let flooding = true;
    const health = slowestHealth(api.url, () => flooding);
    const sockets = await Promise.all(
      Array.from({ length: SOCKETS }, () => flood(api.url, frames)),
    );
    // Before the budgets, this took minutes: past a minute the figures are taken as they are.
    const unfinished: Outcome = { code: 0, reason: 'still open after 60 s', replies: -1 };
    const outcomes = await Promise.all(
      sockets.map(({ outcome }) =>
        Promise.race([
          outcome,
          new Promise<Outcome>((r) => setTimeout(() => r(unfinished), 60_000).unref()),
        ]),
      ),
    );
    for (const { socket } of sockets) socket.terminate();
    const floodMs = performance.now() - started;
    flooding = false;
    const slowestHealthMs = await health;
    // What the server still had queued settles before the count is read.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    clearInterval(sampler);
    const redisCommands = redis?.count();
    await redis?.stop();
    const figures = {
      sockets: SOCKETS,
      framesPerSocket: FRAMES_PER_SOCKET,
      floodMs: Math.round(floodMs),
      rssBeforeMB: Math.round(rssBefore / 2 ** 20),
      rssPeakMB: Math.round(rssPeak / 2 ** 20),
      slowestHealthMs: Math.round(slowestHealthMs),
      redisCommands,
      repliesPerSocket: outcomes.map((o) => o.replies),
      closes: [...new Set(outcomes.map((o) => `${o.code} ${o.reason}`))],
      serverExit: api.child.exitCode ?? api.child.signalCode,
    };
    console.log(`WebSocket cancel flood: ${JSON.stringify(figures)}\n${api.output().slice(-2000)}`);

    for (const outcome of outcomes) {
      expect(outcome.code).toBe(1008);
      expect(outcome.reason).not.toBe('');
      // Well before all its frames were processed.
      expect(outcome.replies).toBeLessThan(FRAMES_PER_SOCKET / 100);
    }
    // Before the budgets: 47.9 s. The margin is for a machine shared with other test runs.
    expect(slowestHealthMs).toBeLessThan(2500);
    expect(rssPeak - rssBefore).toBeLessThan(150 * 2 ** 20);
    if (redis) expect(redisCommands).toBeLessThan(50 * SOCKETS);
  }, 180_000);

  it('closes a socket that keeps sending invalid frames with 1008, after a single one left it open', async () => {
    const once = await flood(api.url, ['not json']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(once.socket.readyState).toBe(WebSocket.OPEN);
    once.socket.close();

    // Sent one at a time, each after the previous answer, so that only their invalidity counts.
    for (const invalid of [
      'not json',
      JSON.stringify({ type: 'dance' }),
      JSON.stringify({ type: 'message', message: '' }),
    ]) {
      const { sent, closed } = await oneAtATime(api.url, () => invalid, 50);
      expect(closed).toMatchObject({ code: 1008, reason: expect.stringMatching(/invalid/i) });
      expect(sent).toBe(5);
    }
  });

  it('closes a socket past its frame budget with 1008, even when each frame waits for its answer', async () => {
    const cancel = () =>
      JSON.stringify({ type: 'cancel', stream_id: randomUUID(), session_token: 'z'.repeat(22) });
    const { sent, closed } = await oneAtATime(api.url, cancel, 500);
    expect(closed).toMatchObject({ code: 1008, reason: expect.stringMatching(/budget/i) });
    // The default WS_FRAME_BUDGET, and the frame one over it.
    expect(sent).toBe(121);
  });

  it('drops a socket whose peer does not read rather than queue its replies without bound', async () => {
    const pid = api.child.pid as number;
    const rssBefore = rssOf(pid);
    // Unknown streams: each frame would be answered with a not_found error event.
    const frames = Array.from({ length: FRAMES_PER_SOCKET }, () =>
      JSON.stringify({ type: 'cancel', stream_id: randomUUID(), session_token: 'y'.repeat(22) }),
    );
    const { socket, outcome } = await flood(api.url, frames, { read: false });
    // The peer reads nothing: the server ends the connection all the same.
    const gone = await Promise.race([
      new Promise<boolean>((resolve) => socket.once('close', () => resolve(true))),
      new Promise<boolean>((resolve) => {
        // It learns of the end only by reading: read after a while, as a slow peer would.
        setTimeout(() => socket.resume(), 5_000).unref();
        setTimeout(() => resolve(false), 15_000).unref();
      }),
    ]);
    expect(gone).toBe(true);
    expect((await outcome).replies).toBeLessThan(FRAMES_PER_SOCKET / 100);
    expect(rssOf(pid) - rssBefore).toBeLessThan(100 * 2 ** 20);
  }, 30_000);
});
