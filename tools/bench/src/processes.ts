import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { collectOutput, stopProcess } from '@chat/test-support';

/** A server under test or the upstream, in its own process. */
export interface BenchProcess {
  readonly pid: number;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts `node …args` pinned to `core`, with the soft file limit raised to the hard one (bash and
 * `taskset` both exec, so the pid is node's).
 */
export function startNode(
  core: number,
  args: string[],
  env: Record<string, string>,
  port: number,
): BenchProcess {
  const script = 'ulimit -n "$(ulimit -Hn)"; exec taskset -c "$0" "$@"';
  const child = spawn(
    'bash',
    ['-c', script, String(core), process.execPath, ...args],
    {
      // The bench resolves `@chat/*` through tsconfig.base.json (TS_NODE_PROJECT); its children
      // do not: the relay, the fake upstream and stack-floor.ts compile on @swc-node's defaults.
      env: { ...process.env, TS_NODE_PROJECT: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = collectOutput(child, 4000);
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (code && code !== 0 && !stopping)
      console.error(`process ${args.join(' ')} exited ${code ?? signal}:\n${output()}`);
  });
  return {
    pid: child.pid ?? 0,
    port,
    stop() {
      stopping = true;
      return stopProcess(child, { signal: 'SIGKILL' });
    },
  };
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) the process has used so far, from /proc. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

export function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/** Samples a process's RSS every 100 ms; `stop()` gives the peak seen. */
export function watchRss(pid: number): { stop(): number } {
  let peak = rssKiB(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssKiB(pid));
    } catch {
      // the process is gone: keep the peak seen
    }
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      try {
        peak = Math.max(peak, rssKiB(pid));
      } catch {
        // as above
      }
      return peak;
    },
  };
}
