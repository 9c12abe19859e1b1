import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  collectOutput,
  freePort,
  type ScratchDirs,
  stopProcess,
  waitForHttp,
} from '@chat/test-support';

/** A server under test or the upstream, in its own process. */
export interface BenchProcess {
  readonly pid: number;
  readonly port: number;
  /** Aborted when the process exits. */
  readonly exited: AbortSignal;
  /** The end of what it printed. */
  output(): string;
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
  node = process.execPath,
): BenchProcess {
  const script = 'ulimit -n "$(ulimit -Hn)"; exec taskset -c "$0" "$@"';
  const child = spawn('bash', ['-c', script, String(core), node, ...args], {
    // The bench resolves `@chat/*` through tsconfig.base.json (TS_NODE_PROJECT); its children
    // do not: the relay, the fake upstream and stack-floor.ts compile on @swc-node's defaults.
    env: { ...process.env, TS_NODE_PROJECT: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collectOutput(child, 4000);
  let stopping = false;
  const exited = new AbortController();
  child.once('exit', (code, signal) => {
    exited.abort();
    if (code && code !== 0 && !stopping)
      console.error(`process ${args.join(' ')} exited ${code ?? signal}:\n${output()}`);
  });
  return {
    pid: child.pid ?? 0,
    port,
    exited: exited.signal,
    output,
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

/** Node's arguments for running a TypeScript entry point (the relay, or `stack-floor.ts` as the API). */
const RUN_TYPESCRIPT = ['-r', '@swc-node/register'];

/**
 * The local OpenAI-compatible server (`tools/fake-openai`) on core 1, streaming `reply` (its own
 * default when undefined), with its other `flags` (`--tick`, `--token-delay-ms N`…).
 */
export async function startUpstream(
  reply: string | undefined,
  flags: string[] = [],
): Promise<BenchProcess> {
  const port = await freePort();
  const upstream = startNode(
    1,
    [
      ...RUN_TYPESCRIPT,
      'tools/fake-openai/src/main.ts',
      '--port',
      String(port),
      ...(reply === undefined ? [] : ['--text', reply]),
      ...flags,
    ],
    {},
    port,
  );
  await waitForHttp(`http://127.0.0.1:${port}/v1/models`);
  return upstream;
}

/**
 * The API (`apiMain`); the stack alone (`stack-floor.ts`, the API's stack without its product
 * features); the raw `node:http` relay; the AI SDK peer (`ai-sdk-peer.ts`).
 */
export type ServerKind = 'api' | 'stack' | 'baseline' | 'peer';

/** The servers that are not the API's build, by kind: TypeScript entry points run as they are. */
const ENTRY_POINTS: Record<Exclude<ServerKind, 'api'>, string> = {
  stack: 'tools/bench/src/stack-floor.ts',
  baseline: 'tools/bench/src/baseline-relay.ts',
  peer: 'tools/bench/src/ai-sdk-peer.ts',
};

/** Whether `kind` is the API's app (the product, or its stack alone), which takes the API's settings. */
export const isApiApp = (kind: ServerKind): boolean => kind === 'api' || kind === 'stack';

export interface ServerUnderTest {
  kind: ServerKind;
  upstreamPort: number;
  /** The API's entry point (kind `api`): a build's `main.js`, or a TypeScript file. */
  apiMain: string;
  /** Where the server's inspector listens, for a `HeapProbe`. */
  inspectorPort?: number;
  core?: number;
  /** The Node.js binary of the API's build (`--compare-node`); the bench's own otherwise. */
  node?: string;
  /** The API's settings beyond the bench's own: its data folder or database, outbox, Redis… */
  env?: Record<string, string>;
}

/**
 * A server under test, answering on a free port once its health check does. The API gets the
 * bench's settings (quiet logs, no rate limit on messages, the local model with no timeouts a
 * slow upstream could trip) and `env`; the relay needs only its upstream.
 */
export async function startServerUnderTest(server: ServerUnderTest): Promise<BenchProcess> {
  const port = await freePort();
  const upstream = `http://127.0.0.1:${server.upstreamPort}/v1`;
  const inspect =
    server.inspectorPort === undefined ? [] : [`--inspect=127.0.0.1:${server.inspectorPort}`];
  const main = server.kind === 'api' ? server.apiMain : ENTRY_POINTS[server.kind];
  const started = isApiApp(server.kind)
    ? startNode(
        server.core ?? 0,
        [...inspect, ...(main.endsWith('.ts') ? RUN_TYPESCRIPT : []), path.resolve(main)],
        {
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          OPENAI_API_KEY: 'x',
          OPENAI_BASE_URL: upstream,
          RATE_LIMIT_MESSAGES: '1000000',
          RATE_LIMIT_SESSION_MESSAGES: '1000000',
          OPENAI_FIRST_TOKEN_TIMEOUT_MS: '600000',
          OPENAI_STALL_TIMEOUT_MS: '600000',
          ...server.env,
        },
        port,
        server.node,
      )
    : startNode(
        server.core ?? 0,
        [...inspect, ...RUN_TYPESCRIPT, main],
        { PORT: String(port), UPSTREAM_URL: upstream },
        port,
      );
  // Generous: on a shared machine a TypeScript entry point can take long to compile and start.
  try {
    await waitForHttp(`http://127.0.0.1:${port}/api/health`, {
      timeoutMs: 120_000,
      signal: started.exited,
    });
  } catch (error) {
    if (!started.exited.aborted) throw error;
    // One that refuses to start (a bad setting) says so at once, not after the timeout.
    throw new Error(`it exited before answering: ${started.output().trim().split('\n')[0]}`, {
      cause: error,
    });
  }
  return started;
}

/**
 * For the single-server tools (`profile-turn.ts`, `idle-heap-diff.ts`): a data folder and an
 * outbox in `scratch`, or PostgreSQL and Redis when `BENCH_DATABASE_URL` and `BENCH_REDIS_URL` say
 * so (Redis keys under `keyPrefix`).
 */
export function apiEngineEnv(scratch: ScratchDirs, keyPrefix: string): Record<string, string> {
  const database = process.env['BENCH_DATABASE_URL'];
  const redis = process.env['BENCH_REDIS_URL'];
  return {
    MAIL_OUTBOX_DIR: scratch.make('outbox-'),
    ...(database ? { DATABASE_URL: database } : { DATA_DIR: scratch.make('data-') }),
    ...(redis ? { REDIS_URL: redis, REDIS_KEY_PREFIX: keyPrefix } : {}),
  };
}
