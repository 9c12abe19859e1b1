import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP forwarder in front of an upstream that counts the requests it passes, by path. */
export interface RequestCounter {
  readonly port: number;
  /** Requests forwarded so far whose path is `path` (without its query). */
  count(path: string): number;
  close(): Promise<void>;
}

/**
 * Forwards every request to `127.0.0.1:upstreamPort` as it is, streaming both ways, so that the
 * bench can tell whether a server used an endpoint (e.g. embeddings) without trusting its word.
 */
export async function startRequestCounter(upstreamPort: number): Promise<RequestCounter> {
  const counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const forwarded = http.request(
      {
        host: '127.0.0.1',
        port: upstreamPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    count: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
