import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  isAllowedAddress,
  OutboundError,
  outboundRequest,
  type Resolver,
} from './outbound-request';

/** A local target listening on every loopback address (IPv4, IPv6 and IPv4-mapped), counting what reaches it. */
async function startTarget(answer: (request: IncomingMessage, response: ServerResponse) => void) {
  const reached: string[] = [];
  const server: Server = createServer((request, response) => {
    reached.push(`${request.method} ${request.url}`);
    answer(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '::', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    reached,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'reached',
    (error: unknown) => (error instanceof OutboundError ? error.reason : `other: ${String(error)}`),
  );

describe('outboundRequest', () => {
  let target: Awaited<ReturnType<typeof startTarget>>;
  beforeAll(async () => {
    target = await startTarget((request, response) => {
      if (request.url === '/redirect') response.writeHead(302, { Location: '/landing' }).end();
      else if (request.url === '/large') response.writeHead(200).end(Buffer.alloc(300_000, 'x'));
      else if (request.url === '/silent') return;
      else response.writeHead(204).end();
    });
  });
  afterAll(() => target.close());
  beforeEach(() => (target.reached.length = 0));

  const strict = { allowPrivate: false, timeoutMs: 2_000, maxResponseBytes: 100_000 };
  const onPremises = { ...strict, allowPrivate: true };

  it('refuses loopback, IPv4-mapped and names resolving to them, without connecting', async () => {
    for (const host of [
      '127.0.0.1',
      '[::1]',
      '[::ffff:127.0.0.1]',
      '[::ffff:7f00:1]',
      'localhost',
      '127.1',
    ]) {
      expect([
        host,
        await refusal(
          outboundRequest(
            `http://${host}:${target.port}/hook`,
            { method: 'POST', body: '{}' },
            strict,
          ),
        ),
      ]).toEqual([host, 'address_refused']);
    }
    expect(target.reached).toEqual([]);
  });

  it('checks the address a name resolves to, resolved once, at connect time (what is checked is what is connected to)', async () => {
    const lookups: string[] = [];
    const resolver: Resolver = (host, callback) => {
      lookups.push(host);
      callback(null, [{ address: '127.0.0.1', family: 4 }]);
    };
    expect(
      await refusal(
        outboundRequest(
          `http://hooks.example:${target.port}/hook`,
          { method: 'POST', resolve: resolver },
          strict,
        ),
      ),
    ).toBe('address_refused');
    expect(lookups).toEqual(['hooks.example']);
    expect(target.reached).toEqual([]);
    // Allowed on premises, the connection goes to the address that was checked.
    expect(
      (
        await outboundRequest(
          `http://hooks.example:${target.port}/hook`,
          { method: 'POST', resolve: resolver },
          onPremises,
        )
      ).status,
    ).toBe(204);
    expect(lookups).toEqual(['hooks.example', 'hooks.example']);
  });

  it('classifies internal ranges as refused, and only private ones as allowed on premises', () => {
    const internal = [
      '169.254.169.254',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '100.64.0.1',
      '127.0.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:169.254.169.254',
      '::ffff:10.0.0.1',
      '2002:7f00:1::1',
      '64:ff9b::7f00:1',
    ];
    for (const address of internal)
      expect([address, isAllowedAddress(address, { allowPrivate: false })]).toEqual([
        address,
        false,
      ]);
    for (const address of [
      '93.184.215.14',
      '2606:2800:21f:cb07:6820:80da:af6b:8b2c',
      '::ffff:93.184.215.14',
    ]) {
      expect([address, isAllowedAddress(address, { allowPrivate: false })]).toEqual([
        address,
        true,
      ]);
    }
    // On premises: private, loopback, ULA and CGNAT are allowed; link-local (cloud metadata), unspecified and multicast never.
    for (const address of [
      '10.1.2.3',
      '192.168.1.1',
      '127.0.0.1',
      '::1',
      'fd12:3456::1',
      '100.64.0.1',
      '::ffff:10.0.0.1',
    ]) {
      expect([address, isAllowedAddress(address, { allowPrivate: true })]).toEqual([address, true]);
    }
    for (const address of [
      '169.254.169.254',
      '::ffff:169.254.169.254',
      'fe80::1',
      '0.0.0.0',
      '::',
      '224.0.0.1',
      'ff02::1',
    ]) {
      expect([address, isAllowedAddress(address, { allowPrivate: true })]).toEqual([
        address,
        false,
      ]);
    }
  });

  it('refuses link-local (the metadata address) even on premises, and non-HTTP schemes', async () => {
    expect(
      await refusal(outboundRequest('http://169.254.169.254/latest/meta-data/', {}, onPremises)),
    ).toBe('address_refused');
    expect(await refusal(outboundRequest('http://[fe80::1]/', {}, onPremises))).toBe(
      'address_refused',
    );
    expect(await refusal(outboundRequest(`file:///etc/passwd`, {}, onPremises))).toBe(
      'invalid_url',
    );
  });

  it('reaches a private target when allowed; follows no redirect; caps the answer and the time', async () => {
    expect(
      (
        await outboundRequest(
          `http://127.0.0.1:${target.port}/hook`,
          { method: 'POST', body: '{}' },
          onPremises,
        )
      ).status,
    ).toBe(204);
    expect(
      (
        await outboundRequest(
          `http://localhost:${target.port}/hook`,
          { method: 'POST', body: '{}' },
          onPremises,
        )
      ).status,
    ).toBe(204);
    expect(
      (await outboundRequest(`http://127.0.0.1:${target.port}/redirect`, {}, onPremises)).status,
    ).toBe(302);
    expect(target.reached).toEqual(['POST /hook', 'POST /hook', 'GET /redirect']);
    expect(
      await refusal(outboundRequest(`http://127.0.0.1:${target.port}/large`, {}, onPremises)),
    ).toBe('too_large');
    const started = Date.now();
    expect(
      await refusal(
        outboundRequest(
          `http://127.0.0.1:${target.port}/silent`,
          {},
          { ...onPremises, timeoutMs: 300 },
        ),
      ),
    ).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
