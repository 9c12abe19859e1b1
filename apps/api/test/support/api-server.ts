import { ScratchDirs } from '@chat/test-support';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/app/create-app';

export interface RunningApi {
  app: NestExpressApplication;
  /** e.g. `http://127.0.0.1:41234` */
  baseUrl: string;
  outboxDir: string;
  /** The embedded database's folder (unless the test set `DATABASE_URL`). */
  dataDir: string;
  /** Stops the app and removes the folders it made, unless `keepData` (to start again on them). */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * The real application, configured through environment variables as in production, listening
 * on a free loopback port. Settings are read when the app is created, so the environment is
 * restored right after.
 */
export async function startApi(env: Record<string, string | undefined> = {}): Promise<RunningApi> {
  const outboxes = new ScratchDirs();
  const data = new ScratchDirs();
  const outboxDir = outboxes.make('chat-outbox-');
  const dataDir = env['DATA_DIR'] ?? data.make('chat-data-');
  const settings: Record<string, string | undefined> = {
    LOG_LEVEL: 'silent',
    MAIL_OUTBOX_DIR: outboxDir,
    DATA_DIR: dataDir,
    DEMO_MODEL_WORD_DELAY_MS: '0',
    RATE_LIMIT_MESSAGES: '10000',
    RATE_LIMIT_SESSION_MESSAGES: '10000',
    OPENAI_RETRY_BASE_DELAY_MS: '10',
    ...env,
  };
  const saved = Object.fromEntries(Object.keys(settings).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(settings);
  let app: NestExpressApplication;
  try {
    app = await createApp();
    await app.listen(0, '127.0.0.1');
  } finally {
    apply(saved);
  }
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    outboxDir,
    dataDir,
    close: async ({ keepData = false } = {}) => {
      await app.close();
      outboxes.removeAll();
      if (!keepData) data.removeAll();
    },
  };
}
