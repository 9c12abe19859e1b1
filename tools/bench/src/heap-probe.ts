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

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as CdpAnswer;
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

interface CdpAnswer {
  id?: number;
  result?: { result?: { value?: unknown } };
  error?: { message: string };
}
