import { readdirSync, readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { startFakeOpenAi } from '@chat/fake-openai';
import { postChatStream, type RunningBuiltApi, ScratchDirs, spawnBuiltApi, startBuiltApi } from '@chat/test-support';

const scratch = new ScratchDirs();
afterAll(() => scratch.removeAll());

/** Only what is given here: the built app's embedded defaults decide the rest. */
function environment(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    MAIL_OUTBOX_DIR: scratch.make('outbox-'),
    DATA_DIR: scratch.make('data-'),
    ...env,
  };
}

describe('the built API (dist/apps/api/main.js)', () => {
  it('starts on its embedded defaults, streams on the demo model and drains on SIGTERM', async () => {
    const api = await startBuiltApi(environment({ DEMO_MODEL_WORD_DELAY_MS: '15' }), { timeoutMs: 20_000 });
    try {
      expect(api.output()).toMatch(/DEMO MODEL/);

      const stream = await postChatStream(api.url, { message: 'What is momentum trading?', session_id: 'test-123' });
      await stream.waitUntil((events) => events.some((e) => e.event.type === 'chunk'));
      api.child.kill('SIGTERM');
      // Draining: a new generation is refused, the running one finishes.
      await new Promise((r) => setTimeout(r, 200));
      const refused = await fetch(`${api.url}/api/chat/stream`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: 'another', session_id: 'other' }),
      });
      expect(refused.status).toBe(503);
      await stream.finished;
      expect(stream.find('done')?.finish_reason).toBe('stop');
      expect(stream.text).toMatch(/momentum/i);
      // Nest re-raises the signal once its shutdown hooks are done.
      expect(await api.exited).toEqual({ code: null, signal: 'SIGTERM' });
    } finally {
      api.child.kill('SIGKILL');
    }
  });

  it('takes a heap snapshot on SIGUSR2 (an operator\'s signal) and goes on serving: only SIGTERM and SIGINT drain', async () => {
    const diagnostics = scratch.make('diagnostics-');
    const api = await startBuiltApi(
      environment({ NODE_OPTIONS: `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${diagnostics}` }),
      { timeoutMs: 20_000 },
    );
    try {
      api.child.kill('SIGUSR2');
      await waitFor(() => readdirSync(diagnostics).some((file) => file.endsWith('.heapsnapshot')), 20_000);
      const stream = await postChatStream(api.url, { message: 'What is momentum trading?', session_id: 'after-snapshot' });
      await stream.finished;
      expect(stream.find('done')?.finish_reason).toBe('stop');
      expect(api.child.exitCode).toBeNull();
    } finally {
      api.child.kill('SIGKILL');
    }
    // Writing a snapshot stops the process for seconds, more on a busy machine.
  }, 90_000);

  it('refuses to start on a bad setting, naming it', async () => {
    const api = spawnBuiltApi(environment({ PORT: 'eighty' }));
    expect((await api.exited).code).toBe(1);
    expect(api.output()).toContain('PORT');
  });

  it('refuses to start with EMBEDDINGS_MODEL and no endpoint to embed with', async () => {
    const api = spawnBuiltApi(environment({ EMBEDDINGS_MODEL: 'text-embedding-3-small' }));
    expect((await api.exited).code).toBe(1);
    expect(api.output()).toContain('EMBEDDINGS_MODEL needs an OpenAI-compatible endpoint');
  });

  it('keeps secrets out of its logs and answers when the provider refuses the key', async () => {
    const secret = 'sk-live-THIS-MUST-NOT-APPEAR-0123456789';
    const fake = await startFakeOpenAi();
    fake.setDefault({ status: 401 });
    let api: RunningBuiltApi | undefined;
    try {
      api = await startBuiltApi(
        environment({
          LOG_LEVEL: 'trace',
          OPENAI_API_KEY: secret,
          OPENAI_BASE_URL: fake.url,
          SMTP_URL: 'smtp://lead-user:smtp-password-SECRET@127.0.0.1:1',
        }),
        { timeoutMs: 20_000 },
      );
      const stream = await postChatStream(api.url, { message: 'hello' }).then(async (s) => {
        await s.finished;
        return s;
      });
      expect(stream.find('error')?.code).toBe('upstream_unavailable');
      expect(fake.requests[0].headers.authorization).toBe(`Bearer ${secret}`);
      await fetch(`${api.url}/api/chat/sessions/unknown`, { headers: { Authorization: `Bearer ${secret}`, Cookie: `sid=${secret}` } });
      // A request line reaches the child's stdout a little after its response: wait for it (bounded).
      const running = api;
      await waitFor(() => running.output().includes('"url":"/api/chat/stream"'), 5_000).catch(() => undefined);
      const logs = api.output();
      expect(logs).toContain('"url":"/api/chat/stream"');
      expect(logs).not.toContain(secret);
      expect(logs).not.toContain('smtp-password-SECRET');
    } finally {
      api?.child.kill('SIGKILL');
      await fake.close();
    }
  });

  it('takes oversized WebSocket frames without growing: each closes with 1009 before it is read', async () => {
    const api = await startBuiltApi(environment({}), { timeoutMs: 20_000 });
    try {
      const rssKiB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${api.child.pid}/status`, 'utf8'))?.[1]);
      // A settled baseline, then the peak while the frames arrive, sampled every few
      // milliseconds: a buffered frame would show as a spike. A fresh data folder leaves the
      // process at about twice its working size (720-755 MiB here) until V8's memory reducer
      // returns it some seconds after start (to about 340-370 MiB); a baseline taken before
      // that, as a fixed wait did, made the peak a matter of when the drop came (20.8 to 53.2 MiB).
      await settled(rssKiB);
      const baseline = Math.max(...(await sample(rssKiB, 300)));
      const frame = Buffer.alloc(32 * 1024 * 1024, 'x');
      const sampling = sample(rssKiB, 0);
      for (let i = 0; i < 5; i++) {
        const socket = new WebSocket(`${api.url.replace('http', 'ws')}/api/chat/ws`);
        await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
        const code = new Promise<number>((resolve) => socket.once('close', (closeCode: number) => resolve(closeCode)));
        socket.send(frame);
        expect(await code).toBe(1009);
      }
      sampling.stop();
      const peakMiB = (Math.max(...(await sampling)) - baseline) / 1024;
      console.log(`Peak RSS above the baseline while five 32 MiB frames arrived: ${peakMiB.toFixed(1)} MiB`);
      // One frame buffered would be 32 MiB by itself. What stays below: after the 1009, ws reads
      // and drops the rest of the frame until the client's close, and those chunks are garbage
      // until the next collection (1.0-15.0 MiB over six runs, in two modes: before and after
      // V8's external-memory trigger, with the fixed wait), which put a 16 MiB bound within noise
      // of failing; from the settled baseline, 0.8-1.7 MiB over three runs.
      expect(peakMiB).toBeLessThan(24);
    } finally {
      api.child.kill('SIGKILL');
    }
  }, 60_000);
});

/** Resolves once `condition()` holds, checked every 100 ms; throws after `timeoutMs`. */
async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Samples `read()` every 5 ms, for `forMs` or until `stop()`; resolves with the samples. */

/**
 * Waits until `read` has dropped below 70% of the highest it showed, the start-up memory given
 * back (at most 20 s: a process that never held more just goes on), then 500 ms more.
 */
async function settled(read: () => number): Promise<void> {
  let highest = read();
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
    const now = read();
    highest = Math.max(highest, now);
    if (now < highest * 0.7) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}

function sample(read: () => number, forMs: number): Promise<number[]> & { stop(): void } {
  const samples: number[] = [];
  let stop!: () => void;
  const done = new Promise<number[]>((resolve) => {
    const timer = setInterval(() => samples.push(read()), 5);
    stop = () => {
      clearInterval(timer);
      resolve(samples.length ? samples : [read()]);
    };
    if (forMs > 0) setTimeout(stop, forMs);
  });
  return Object.assign(done, { stop });
}

