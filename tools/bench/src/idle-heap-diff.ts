/**
 * What one open stream whose model is slow holds: starts the upstream (one token per 10 s) and a
 * server (`api` or `baseline`) with its inspector open, opens a few streams to warm up, takes a
 * heap snapshot, opens `--streams` more, takes another, and prints the new objects per stream by
 * constructor, by the object that holds them, the suspended async functions and who holds the
 * new Maps and Sets. `--rss-only` prints RSS per stream 3 to 30 s after opening instead.
 *   TS_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register tools/bench/src/idle-heap-diff.ts \
 *     [--server api|baseline] [--streams 500] [--top 40] [--rss-only]
 * `BENCH_DATABASE_URL` and `BENCH_REDIS_URL` run the API on PostgreSQL and Redis.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import { freePort, ScratchDirs } from '@chat/test-support';
import { HeapProbe } from './heap-probe';
import { apiEngineEnv, rssKiB, startServerUnderTest, startUpstream } from './processes';
import { runStream } from './stream-client';

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'api' },
    streams: { type: 'string', default: '500' },
    top: { type: 'string', default: '40' },
    'api-main': { type: 'string', default: 'dist/apps/api/main.js' },
    /** RSS over time only: no snapshots, whose own memory would blur it. */
    'rss-only': { type: 'boolean', default: false },
  },
});
const scratch = new ScratchDirs();

interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[]];
      edge_fields: string[];
      edge_types: [string[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** Node ids in a snapshot. */
function ids(s: Snapshot): Set<number> {
  const width = s.snapshot.meta.node_fields.length;
  const idAt = s.snapshot.meta.node_fields.indexOf('id');
  const out = new Set<number>();
  for (let i = 0; i < s.nodes.length; i += width) out.add(s.nodes[i + idAt]);
  return out;
}

/**
 * For the nodes not in `before`: self size by the path owner -edge-> node, where the owner is the
 * first retainer that is itself old or a named object (so chains of arrays and contexts fold into
 * the object that holds them).
 */
function owners(s: Snapshot, before: Set<number>, count: number, top: number): void {
  const nf = s.snapshot.meta.node_fields;
  const ef = s.snapshot.meta.edge_fields;
  const ntypes = s.snapshot.meta.node_types[0];
  const etypes = s.snapshot.meta.edge_types[0];
  const w = nf.length;
  const ew = ef.length;
  const [typeAt, nameAt, idAt, sizeAt, edgeCountAt] = [
    'type',
    'name',
    'id',
    'self_size',
    'edge_count',
  ].map((f) => nf.indexOf(f));
  const [eTypeAt, eNameAt, eToAt] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f));
  const n = s.nodes.length / w;
  const retainer = new Int32Array(n).fill(-1);
  const retainerEdge = new Array<string>(n);
  let e = 0;
  for (let i = 0; i < n; i++) {
    const edges = s.nodes[i * w + edgeCountAt];
    for (let k = 0; k < edges; k++, e += ew) {
      const to = s.edges[e + eToAt] / w;
      const etype = etypes[s.edges[e + eTypeAt]];
      if (etype === 'weak' || etype === 'shortcut') continue;
      if (retainer[to] === -1) {
        retainer[to] = i;
        retainerEdge[to] =
          etype === 'element' || etype === 'hidden'
            ? `[${etype}]`
            : String(s.strings[s.edges[e + eNameAt]]);
      }
    }
  }
  const label = (i: number) => {
    const type = ntypes[s.nodes[i * w + typeAt]];
    const name = s.strings[s.nodes[i * w + nameAt]];
    return type === 'object' || type === 'native'
      ? name
      : `(${type}) ${type === 'string' ? '' : name.slice(0, 30)}`;
  };
  const isNamed = (i: number) => {
    const type = ntypes[s.nodes[i * w + typeAt]];
    const name = s.strings[s.nodes[i * w + nameAt]];
    return (
      (type === 'object' && name !== 'Object' && name !== 'Array' && name !== 'system / Context') ||
      type === 'native'
    );
  };
  const totals = new Map<string, Totals>();
  for (let i = 0; i < n; i++) {
    if (before.has(s.nodes[i * w + idAt])) continue;
    let owner = retainer[i];
    let path = retainerEdge[i];
    let hops = 0;
    while (owner >= 0 && !before.has(s.nodes[owner * w + idAt]) && !isNamed(owner) && hops < 8) {
      path = `${retainerEdge[owner]}.${path}`;
      owner = retainer[owner];
      hops++;
    }
    const key = `${owner >= 0 ? label(owner) : '(root)'}${before.has(s.nodes[Math.max(owner, 0) * w + idAt]) ? ' [old]' : ''} -> ${path.slice(0, 60)} : ${label(i)}`;
    const entry = totals.get(key) ?? { count: 0, size: 0 };
    entry.count++;
    entry.size += s.nodes[i * w + sizeAt];
    totals.set(key, entry);
  }
  // Fold by owner alone, too.
  const byOwner = new Map<string, Totals>();
  for (const [key, t] of totals) {
    const owner = key.split(' -> ')[0];
    const entry = byOwner.get(owner) ?? { count: 0, size: 0 };
    entry.count += t.count;
    entry.size += t.size;
    byOwner.set(owner, entry);
  }
  const print = (title: string, map: Map<string, Totals>) => {
    console.log(`\n${title}`);
    for (const [key, t] of [...map].sort((a, b) => b[1].size - a[1].size).slice(0, top))
      console.log(
        `${(t.size / count).toFixed(0).padStart(7)} B  ${(t.count / count).toFixed(2).padStart(6)}×  ${key}`,
      );
  };
  print('by owner', byOwner);
  // Suspended async functions and generators: which function each one is.
  const suspended = new Map<string, Totals>();
  const firstEdge = new Int32Array(n);
  for (let i = 1; i < n; i++)
    firstEdge[i] = firstEdge[i - 1] + s.nodes[(i - 1) * w + edgeCountAt] * ew;
  for (let i = 0; i < n; i++) {
    if (before.has(s.nodes[i * w + idAt]) || s.strings[s.nodes[i * w + nameAt]] !== 'Generator')
      continue;
    let fn = '?';
    for (let k = 0; k < s.nodes[i * w + edgeCountAt]; k++) {
      const at = firstEdge[i] + k * ew;
      if (
        s.strings[s.edges[at + eNameAt]] === 'function' ||
        s.strings[s.edges[at + eNameAt]] === 'closure'
      ) {
        fn = s.strings[s.nodes[s.edges[at + eToAt] + nameAt]] || '(anonymous)';
      }
    }
    const entry = suspended.get(fn) ?? { count: 0, size: 0 };
    entry.count++;
    suspended.set(fn, entry);
  }
  print('suspended generators / async functions by function', suspended);
  // Maps and Sets: who holds each new one (three hops).
  const holders = new Map<string, Totals>();
  for (let i = 0; i < n; i++) {
    const name = s.strings[s.nodes[i * w + nameAt]];
    if (
      before.has(s.nodes[i * w + idAt]) ||
      (name !== 'Map' && name !== 'Set') ||
      ntypes[s.nodes[i * w + typeAt]] !== 'object'
    )
      continue;
    let path = name;
    let at = i;
    for (let hop = 0; hop < 4 && retainer[at] >= 0; hop++) {
      path = `${label(retainer[at])}.${retainerEdge[at]} > ${path}`;
      at = retainer[at];
    }
    const entry = holders.get(path) ?? { count: 0, size: 0 };
    entry.count++;
    holders.set(path, entry);
  }
  print('new Maps and Sets by holder', holders);
  print('by owner, path and node', totals);
}

interface Totals {
  count: number;
  size: number;
}

/** Self sizes and counts by `type:name` in a V8 heap snapshot. */
function summarize(snapshot: Snapshot): Map<string, Totals> {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const totals = new Map<string, Totals>();
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]];
    let name =
      type === 'string' || type === 'concatenated string' || type === 'sliced string'
        ? '(string)'
        : snapshot.strings[snapshot.nodes[i + nameAt]];
    if (type === 'code' || type === 'hidden' || type === 'array')
      name = `(${type}) ${name.slice(0, 40)}`;
    if (type === 'closure') name = `(closure) ${name.slice(0, 40)}`;
    const key = `${name}`;
    const entry = totals.get(key) ?? { count: 0, size: 0 };
    entry.count++;
    entry.size += snapshot.nodes[i + sizeAt];
    totals.set(key, entry);
  }
  return totals;
}

async function main(): Promise<void> {
  const fake = await startUpstream(undefined, ['--token-delay-ms', '10000']);
  const inspectorPort = await freePort();
  const server = await startServerUnderTest({
    kind: values.server === 'api' ? 'api' : 'baseline',
    upstreamPort: fake.port,
    apiMain: values['api-main'],
    inspectorPort,
    env: apiEngineEnv(scratch, `heapdiff${process.pid}:`),
  });
  const heap = await HeapProbe.connect(inspectorPort);
  const requests: http.ClientRequest[] = [];
  let n = 0;
  const failures: string[] = [];
  const open = (count: number) =>
    Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<void>((opened) => {
            void runStream({
              port: server.port,
              agent: false,
              message: 'Hold this stream open.',
              sessionId: `heap-${process.pid}-${++n}`,
              timeoutMs: 600_000,
              onOpen: (request) => {
                requests.push(request);
                opened();
              },
            }).then((outcome) => {
              if (!outcome.ok) failures.push(outcome.error ?? 'ended');
              opened();
            });
          }),
      ),
    );
  await open(20); // warm-up: lazy modules, pools, JIT
  await new Promise((r) => setTimeout(r, 2000));
  const count = Number(values.streams);
  const openAll = async () => {
    for (let i = 0; i < count; i += 100) await open(Math.min(100, count - i));
  };
  if (values['rss-only']) {
    // RSS as the allocator gives memory back: the bench reads it 3 s after the streams opened.
    const rssBefore = rssKiB(server.pid);
    await openAll();
    for (const [seconds, waitMs] of [
      [3, 3000],
      [10, 7000],
      [20, 10_000],
      [30, 10_000],
    ]) {
      await new Promise((r) => setTimeout(r, waitMs));
      console.log(
        `${values.server}: RSS per stream after ${seconds} s: ${((rssKiB(server.pid) - rssBefore) / count).toFixed(1)} KiB`,
      );
    }
  } else {
    // Parsed once each: a snapshot of a server holding thousands of streams is hundreds of MB.
    const firstSnapshot = JSON.parse(await heap.heapSnapshot()) as Snapshot;
    const first = summarize(firstSnapshot);
    const firstIds = ids(firstSnapshot);
    await openAll();
    await new Promise((r) => setTimeout(r, 3000));
    const secondSnapshot = JSON.parse(await heap.heapSnapshot()) as Snapshot;
    const second = summarize(secondSnapshot);
    const rows = [...second].map(([key, after]) => {
      const before = first.get(key) ?? { count: 0, size: 0 };
      return {
        key,
        count: (after.count - before.count) / count,
        bytes: (after.size - before.size) / count,
      };
    });
    rows.sort((a, b) => b.bytes - a.bytes);
    const total = rows.reduce((sum, r) => sum + r.bytes, 0);
    console.log(
      `${values.server}: ${(total / 1024).toFixed(1)} KiB self size per open stream (${count} streams)`,
    );
    for (const row of rows.slice(0, Number(values.top)))
      console.log(
        `${row.bytes.toFixed(0).padStart(7)} B  ${row.count.toFixed(2).padStart(6)}×  ${row.key}`,
      );
    owners(secondSnapshot, firstIds, count, Number(values.top));
  }
  if (failures.length) console.log(`${failures.length} streams failed, first: ${failures[0]}`);
  for (const request of requests) request.destroy();
  heap.close();
  await server.stop();
  await fake.stop();
  scratch.removeAll();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
