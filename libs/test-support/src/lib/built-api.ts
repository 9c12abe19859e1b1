import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { collectOutput, exitOf, type ProcessExit } from './child-processes';
import { freePort } from './free-port';
import { waitForHttp } from './wait-for';

/** What `nx run api:build` writes. */
export const BUILT_API_MAIN = resolve(__dirname, '../../../../dist/apps/api/main.js');

export interface BuiltApiProcess {
  child: ChildProcess;
  /** Everything it has printed so far. */
  output(): string;
  exited: Promise<ProcessExit>;
}

export interface RunningBuiltApi extends BuiltApiProcess {
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
}

export interface BuiltApiOptions {
  /** Also show its stderr in this process's (its warnings and crashes appear in the test run). */
  passStderr?: boolean;
}

/** `node dist/apps/api/main.js` with exactly `env`: nothing is inherited that is not passed. */
export function spawnBuiltApi(
  env: NodeJS.ProcessEnv,
  { passStderr = false }: BuiltApiOptions = {},
): BuiltApiProcess {
  const child = spawn(process.execPath, [BUILT_API_MAIN], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (passStderr) child.stderr?.pipe(process.stderr, { end: false });
  return { child, output: collectOutput(child), exited: exitOf(child) };
}

/**
 * The built API on a free loopback port (`PORT` and `HOST` are set here), once
 * `/api/health/ready` answers 200. If it exits first or is not ready in time, it is killed and
 * the error carries what it printed.
 */
export async function startBuiltApi(
  env: NodeJS.ProcessEnv,
  { timeoutMs = 30_000, ...options }: BuiltApiOptions & { timeoutMs?: number } = {},
): Promise<RunningBuiltApi> {
  const port = await freePort();
  const api = spawnBuiltApi({ ...env, PORT: String(port), HOST: '127.0.0.1' }, options);
  const url = `http://127.0.0.1:${port}`;
  const stopWaiting = new AbortController();
  let exit: ProcessExit | undefined;
  void api.exited.then((result) => {
    exit = result;
    stopWaiting.abort();
  });
  try {
    await waitForHttp(`${url}/api/health/ready`, { timeoutMs, signal: stopWaiting.signal });
  } catch (error) {
    api.child.kill('SIGKILL');
    const reason = exit
      ? `exited (${exit.code ?? exit.signal}) before it was ready`
      : `was not ready: ${(error as Error).message}`;
    throw new Error(`The built API ${reason}; it printed:\n${api.output()}`, {
      cause: error,
    });
  }
  return { ...api, url };
}
