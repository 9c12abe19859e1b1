/**
 * Where a turn's CPU goes: profiles a server (the API, or `tools/bench/src/stack-floor.ts`, or the
 * relay) through its inspector while 50 clients open short-reply streams one after another, then
 * prints self time per stream by package (or our own source folder) and by function.
 *   TS_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register tools/bench/src/profile-turn.ts [--server api|baseline]
 *     [--api-main dist/apps/api/main.js] [--tokens 20] [--duration-ms 5000] [--top 40]
 *     [--concurrency 50] [--token-delay-ms 20 (paced like a model)]
 * The profile is saved to bench-results/profile-<server>.cpuprofile (open it in Chrome's DevTools).
 * `BENCH_DATABASE_URL` and `BENCH_REDIS_URL` run the API on PostgreSQL and Redis.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, ScratchDirs } from '@chat/test-support';
import { type CpuProfile, HeapProbe } from './heap-probe';
import { apiEngineEnv, startServerUnderTest, startUpstream } from './processes';
import { drive } from './scenarios';

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'api' },
    'api-main': { type: 'string', default: 'dist/apps/api/main.js' },
    tokens: { type: 'string', default: '20' },
    'duration-ms': { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '50' },
    top: { type: 'string', default: '40' },
    /** Paced like a model (e.g. 20: 50 tokens/s) instead of every token at once. */
    'token-delay-ms': { type: 'string' },
  },
});
const scratch = new ScratchDirs();
const text = Array.from({ length: Number(values.tokens) }, (_, i) => (i ? ' word' : 'word')).join(
  '',
);

/** Self time in ms by a label of each sampled frame. */
function selfTime(
  profile: CpuProfile,
  label: (frame: CpuProfile['nodes'][number]['callFrame']) => string,
): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const key = label(node.callFrame);
    totals.set(key, (totals.get(key) ?? 0) + profile.timeDeltas[i] / 1000);
  });
  return totals;
}

/** `node_modules/<package>`, our own source folder, `node:` internals, or V8's (program, GC, idle). */
function area(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const url = frame.url;
  if (!url) return `(${frame.functionName || 'native'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const own = /apps\/api\/src\/([^/]+)/.exec(url);
  if (own) return `api/${own[1]}`;
  return path.basename(url);
}

async function main(): Promise<void> {
  const fake = await startUpstream(
    text,
    values['token-delay-ms'] ? ['--token-delay-ms', values['token-delay-ms']] : [],
  );
  const inspectorPort = await freePort();
  const main = values['api-main'];
  const server = await startServerUnderTest({
    kind: values.server === 'api' ? 'api' : 'baseline',
    upstreamPort: fake.port,
    apiMain: main,
    inspectorPort,
    env: apiEngineEnv(scratch, `prof${process.pid}:`),
  });
  const probe = await HeapProbe.connect(inspectorPort);
  const concurrency = Number(values.concurrency);
  await drive(server, concurrency, 2000, text); // warm-up
  let streams = 0;
  const profile = await probe.cpuProfile(async () => {
    streams = (await drive(server, concurrency, Number(values['duration-ms']), text)).filter(
      (o) => o.ok,
    ).length;
  });
  probe.close();
  await server.stop();
  await fake.stop();
  scratch.removeAll();
  const label = main.endsWith('.ts') ? path.basename(main, '.ts') : values.server;
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(`bench-results/profile-${label}.cpuprofile`, JSON.stringify(profile));
  const print = (title: string, totals: Map<string, number>) => {
    const busy = [...totals]
      .filter(([key]) => !key.startsWith('((idle))') && !key.startsWith('(idle)'))
      .reduce((sum, [, ms]) => sum + ms, 0);
    console.log(
      `\n${title}: ${(busy / streams).toFixed(3)} ms busy per stream (${streams} streams of ${values.tokens} tokens)`,
    );
    for (const [key, ms] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top)))
      console.log(`${((ms / streams) * 1000).toFixed(0).padStart(7)} µs  ${key}`);
  };
  print(`${label} by area`, selfTime(profile, area));
  print(
    `${label} by function`,
    selfTime(profile, (f) => `${f.functionName || '(anonymous)'} ${area(f)}:${f.lineNumber + 1}`),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
