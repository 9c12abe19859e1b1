import { type ChildProcess, spawn } from 'node:child_process';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Resolves when `child` exits (at once if it already has). */
export function exitOf(child: ChildProcess): Promise<ProcessExit> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Keeps what `child` prints on stdout and stderr (the last `maxChars` of it, if given) for error messages and assertions. */
export function collectOutput(child: ChildProcess, maxChars = Infinity): () => string {
  let output = '';
  const keep = (data: Buffer) => {
    output += data.toString();
    if (output.length > maxChars) output = output.slice(-maxChars);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => output;
}

/** Starts a process and resolves once its output matches `ready`. */
export function startProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  timeoutMs = 30_000,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = collectOutput(child);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not start in time:\n${output().slice(-2000)}`));
    }, timeoutMs);
    const onData = () => {
      const match = output().match(ready);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve({ child, match });
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}:\n${output().slice(-2000)}`));
    });
  });
}

/** Stops `child` with `signal`, then SIGKILL if it is still running `killAfterMs` later; resolves once it has exited. */
export async function stopProcess(
  child: ChildProcess | undefined,
  { signal = 'SIGTERM', killAfterMs = 5000 }: { signal?: NodeJS.Signals; killAfterMs?: number } = {},
): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = exitOf(child);
  child.kill(signal);
  const timer = signal === 'SIGKILL' ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await exited;
  clearTimeout(timer);
}
