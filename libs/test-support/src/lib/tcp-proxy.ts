import net from 'node:net';

export interface TcpProxy {
  /** Where to connect instead of the target: `127.0.0.1:<port>`. */
  port: number;
  /** The target goes away: open connections are cut and new ones refused. */
  cut(): void;
  /** The target is back. */
  restore(): void;
  close(): Promise<void>;
}

/** A loopback TCP proxy to `targetPort`, to take a server (a database) away from a client and give it back. */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let up = true;
  const server = net.createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, targetHost);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port: (server.address() as net.AddressInfo).port,
    cut: () => {
      up = false;
      cutAll();
    },
    restore: () => (up = true),
    close: () => {
      cutAll();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
