import './workspace-paths';
import { join } from 'node:path';
import { type RunningBuiltApi, ScratchDirs, startProcess, stopProcess } from '@chat/test-support';
import { startApi } from './built-api';
import { findBrowser } from './find-browser';
import { FIRST_ADMIN } from './staff';

/**
 * Starts what the browser tests talk to: the fake OpenAI server, one built API on it, and one
 * built API on the offline demo model, which also has a first admin for the staff area's tests.
 * Both APIs serve the built portal. Their addresses reach the tests through the environment.
 */
export default async function globalSetup(): Promise<void> {
  // Under plain `jest` (no preflight, see project.json) a missing browser still stops the run
  // here, before the APIs start.
  findBrowser();
  const fake = await startProcess(
    'node',
    ['-r', '@swc-node/register', '-r', 'tsconfig-paths/register', 'apps/web-e2e/src/support/fake-model.ts'],
    { TS_NODE_PROJECT: 'tsconfig.base.json' },
    /READY (\S+)/,
  );
  const scratch = new ScratchDirs();
  globalThis.__WEB_E2E_SCRATCH__ = scratch;
  const outbox = scratch.make('web-e2e-outbox-');
  const started = await Promise.allSettled([
    startApi({
      OPENAI_API_KEY: 'test',
      OPENAI_BASE_URL: fake.match[1],
      OPENAI_MAX_ATTEMPTS: '1',
      MAIL_OUTBOX_DIR: join(outbox, 'model'),
    }, scratch),
    startApi(
      {
        DEMO_MODEL_WORD_DELAY_MS: '15',
        MAIL_OUTBOX_DIR: join(outbox, 'demo'),
        ADMIN_EMAIL: FIRST_ADMIN.email,
        ADMIN_PASSWORD: FIRST_ADMIN.password,
        // The knowledge test sends a file past the limit: a small limit keeps that quick.
        KNOWLEDGE_MAX_FILE_BYTES: String(1024 * 1024),
      },
      scratch,
    ),
  ]);
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    // Jest runs no teardown after a failed setup: what did start must not outlive the run.
    const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value.child] : []));
    await Promise.all([fake.child, ...running].map((child) => stopProcess(child)));
    scratch.removeAll();
    throw failed.reason;
  }
  const [modelApi, demoApi] = started.map((result) => (result as PromiseFulfilledResult<RunningBuiltApi>).value);
  process.env['WEB_E2E_MODEL_API'] = modelApi.url;
  process.env['WEB_E2E_DEMO_API'] = demoApi.url;
  process.env['WEB_E2E_OUTBOX'] = outbox;
  globalThis.__WEB_E2E_PROCESSES__ = [fake.child, modelApi.child, demoApi.child];
}

declare global {
  var __WEB_E2E_PROCESSES__: import('node:child_process').ChildProcess[] | undefined;
  var __WEB_E2E_SCRATCH__: ScratchDirs | undefined;
}
