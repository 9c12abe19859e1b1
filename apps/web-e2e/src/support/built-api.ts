import { type RunningBuiltApi, type ScratchDirs, startBuiltApi } from '@chat/test-support';

/**
 * The built API as the browser tests run it: this shell's environment without its model and
 * database settings (only `env` chooses them; each API gets its own embedded database), logging
 * warnings, which show in the test run.
 */
export function startApi(env: NodeJS.ProcessEnv, scratch: ScratchDirs): Promise<RunningBuiltApi> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('OPENAI_') && key !== 'DATABASE_URL'),
  );
  const dataDir = scratch.make('web-e2e-data-');
  // Two APIs start at once, each migrating a fresh embedded database: on a busy two-core
  // machine that has taken longer than the default half minute.
  return startBuiltApi({ ...inherited, LOG_LEVEL: 'warn', DATA_DIR: dataDir, ...env }, { passStderr: true, timeoutMs: 60_000 });
}
