import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFakeOpenAi } from '@chat/fake-openai';
import { postChatStream } from './support/sse-client';

const MAIN = resolve(__dirname, '../../../dist/apps/api/main.js');

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(env: Record<string, string>): Started {
  let output = '';
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'outbox-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.on('exit', (code, signal) => resolveExit({ code, signal })),
  );
  return { child, output: () => output, exited };
}

async function waitReady(baseUrl: string, started: Started): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${baseUrl}/api/health/ready`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`API did not become ready:\n${started.output()}`);
}

describe('the built API (dist/apps/api/main.js)', () => {
  it('starts on its embedded defaults, streams on the demo model and drains on SIGTERM', async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const api = run({ PORT: String(port), HOST: '127.0.0.1', DEMO_MODEL_WORD_DELAY_MS: '15' });
    try {
      await waitReady(baseUrl, api);
      expect(api.output()).toMatch(/DEMO MODEL/);

      const stream = await postChatStream(baseUrl, { message: 'What is momentum trading?', session_id: 'test-123' });
      await stream.waitUntil((events) => events.some((e) => e.event.type === 'chunk'));
      api.child.kill('SIGTERM');
      // Draining: a new generation is refused, the running one finishes.
      await new Promise((r) => setTimeout(r, 200));
      const refused = await fetch(`${baseUrl}/api/chat/stream`, {
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

  it('refuses to start on a bad setting, naming it', async () => {
    const api = run({ PORT: 'eighty' });
    expect((await api.exited).code).toBe(1);
    expect(api.output()).toContain('PORT');
  });

  it('keeps secrets out of its logs and answers when the provider refuses the key', async () => {
    const secret = 'sk-live-THIS-MUST-NOT-APPEAR-0123456789';
    const fake = await startFakeOpenAi();
    fake.setDefault({ status: 401 });
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const api = run({
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'trace',
      OPENAI_API_KEY: secret,
      OPENAI_BASE_URL: fake.url,
      SMTP_URL: 'smtp://lead-user:smtp-password-SECRET@127.0.0.1:1',
    });
    try {
      await waitReady(baseUrl, api);
      const stream = await postChatStream(baseUrl, { message: 'hello' }).then(async (s) => {
        await s.finished;
        return s;
      });
      expect(stream.find('error')?.code).toBe('upstream_unavailable');
      expect(fake.requests[0].headers.authorization).toBe(`Bearer ${secret}`);
      await fetch(`${baseUrl}/api/chat/sessions/unknown`, { headers: { Authorization: `Bearer ${secret}`, Cookie: `sid=${secret}` } });
      const logs = api.output();
      expect(logs).toContain('"url":"/api/chat/stream"');
      expect(logs).not.toContain(secret);
      expect(logs).not.toContain('smtp-password-SECRET');
    } finally {
      api.child.kill('SIGKILL');
      await fake.close();
    }
  });
});
