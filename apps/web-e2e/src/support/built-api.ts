import { type RunningBuiltApi, startBuiltApi } from '@chat/test-support';

/**
 * The built API as the browser tests run it: this shell's environment without its model
 * settings (only `env` chooses the model), logging warnings, which show in the test run.
 */
export function startApi(env: NodeJS.ProcessEnv): Promise<RunningBuiltApi> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OPENAI_')));
  return startBuiltApi({ ...inherited, LOG_LEVEL: 'warn', ...env }, { passStderr: true });
}
