import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SseFrameWriter } from './sse-frame-writer';

/** A real server whose one response is handed to `handle`, and what a client read from it. */
async function serve(
  handle: (response: http.ServerResponse) => void,
): Promise<{ body: string; status: number }> {
  const server = http.createServer((_request, response) => handle(response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, agent: false }, (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (text: string) => (body += text));
          response.on('end', () => resolve({ body, status: response.statusCode ?? 0 }));
        })
        .on('error', reject);
    });
  } finally {
    server.close();
  }
}

const frame = (id: number) => `id: ${id}\ndata: {"n":${id}}\n\n`;

describe('SseFrameWriter', () => {
  it('sends the headers with the first frames once the code that produced them has run, before any timer', async () => {
    const seen: string[] = [];
    const { body, status } = await serve((response) => {
      const writer = new SseFrameWriter(response, () => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        return true;
      });
      writer.write(frame(1));
      writer.write(frame(2));
      seen.push(`sync: ${response.headersSent}`);
      queueMicrotask(() => {
        seen.push(`microtask: ${response.headersSent}`);
        writer.write(frame(3));
        writer.settle(() => response.end());
      });
    });
    expect(seen).toEqual(['sync: false', 'microtask: true']);
    expect(status).toBe(200);
    expect(body).toBe(frame(1) + frame(2) + frame(3));
  });

  it('sends the last frames and the end of the body, which comes ticks later, in one write', async () => {
    let writesAfterSettle = -1;
    const { body } = await serve((response) => {
      const writer = new SseFrameWriter(response, () => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        return true;
      });
      writer.write(frame(1));
      setImmediate(() => {
        // Counted where the socket hands its data to the system: one call per write.
        const socket = response.socket as unknown as Record<
          '_write' | '_writev',
          (...args: unknown[]) => void
        >;
        let writes = 0;
        for (const method of ['_write', '_writev'] as const) {
          const original = socket[method].bind(socket);
          socket[method] = (...args) => {
            writes++;
            original(...args);
          };
        }
        response.once('finish', () => (writesAfterSettle = writes));
        writer.write(frame(2));
        // As Nest ends an @Sse() response: a few ticks after its Observable completes.
        writer.settle(() => process.nextTick(() => process.nextTick(() => response.end())));
      });
    });
    expect(body).toBe(frame(1) + frame(2));
    expect(writesAfterSettle).toBe(1);
  });

  it('waits for headers the framework sends itself when it cannot commit them', async () => {
    const { body, status } = await serve((response) => {
      const writer = new SseFrameWriter(response);
      for (let id = 1; id <= 50; id++) writer.write(frame(id));
      setTimeout(() => {
        response.writeHead(201, { 'content-type': 'text/event-stream' });
        response.write('\n');
        writer.write(frame(51));
        writer.settle(() => response.end());
      }, 5);
    });
    expect(status).toBe(201);
    expect(body).toBe('\n' + Array.from({ length: 51 }, (_, i) => frame(i + 1)).join(''));
  });
});
