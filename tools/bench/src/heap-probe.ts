import WebSocket from 'ws';

/**
 * Reads a server's live JS heap through its inspector (the server runs with
 * `--inspect=127.0.0.1:<port>`): a full garbage collection, then `process.memoryUsage()`. Unlike
 * RSS, which the allocator keeps high after a peak, the heap after a full collection is what the
 * server really holds, and it repeats from run to run.
 */
export class HeapProbe {
  private nextId = 0;
  private readonly waiting = new Map<number, (message: CdpAnswer) => void>();
  private snapshotChunks: string[] = [];

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as CdpAnswer;
      if (message.method === 'HeapProfiler.addHeapSnapshotChunk')
        this.snapshotChunks.push(String(message.params?.chunk));
      if (message.id === undefined) return;
      this.waiting.get(message.id)?.(message);
      this.waiting.delete(message.id);
    });
  }

  static async connect(inspectorPort: number): Promise<HeapProbe> {
    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as {
      webSocketDebuggerUrl: string;
    }[];
    const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new HeapProbe(socket);
  }

  /** Bytes of JS heap in use after a full garbage collection. */
  async heapUsedAfterGc(): Promise<number> {
    await this.call('HeapProfiler.collectGarbage');
    // Twice: weak references and finalizers cleared by the first collection free more in the second.
    await this.call('HeapProfiler.collectGarbage');
    const answer = await this.call('Runtime.evaluate', {
      expression: 'process.memoryUsage().heapUsed',
      returnByValue: true,
    });
    return Number(answer.result?.result?.value);
  }

  /** The value of `expression`, evaluated in the server (returned by value). */
  async evaluate(expression: string): Promise<unknown> {
    const answer = await this.call('Runtime.evaluate', { expression, returnByValue: true });
    return answer.result?.result?.value;
  }

  /** A heap snapshot (after the collection V8 runs before taking one), as its JSON text. */
  async heapSnapshot(): Promise<string> {
    this.snapshotChunks = [];
    await this.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    return this.snapshotChunks.join('');
  }

  /** A CPU profile (V8's `Profiler.Profile`) of the server while `during` runs. */
  async cpuProfile(during: () => Promise<unknown>): Promise<CpuProfile> {
    await this.call('Profiler.enable');
    await this.call('Profiler.setSamplingInterval', { interval: 200 });
    await this.call('Profiler.start');
    await during();
    const answer = (await this.call('Profiler.stop')) as unknown as {
      result: { profile: CpuProfile };
    };
    return answer.result.profile;
  }

  close(): void {
    this.socket.close();
  }

  private call(method: string, params: object = {}): Promise<CdpAnswer> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (answer) =>
        answer.error ? reject(new Error(`${method}: ${answer.error.message}`)) : resolve(answer),
      );
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }
}

/** V8's CPU profile: a call tree, and which node was on top at each sample. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

interface CdpAnswer {
  id?: number;
  method?: string;
  params?: { chunk?: string };
  result?: { result?: { value?: unknown } };
  error?: { message: string };
}
