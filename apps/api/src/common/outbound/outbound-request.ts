import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import {
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  request as httpRequest,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';

/** Why an outbound request did not get an answer: each safe to store and show (no address, no body). */
export type OutboundFailure =
  'invalid_url' | 'address_refused' | 'unreachable' | 'timeout' | 'too_large';

export class OutboundError extends Error {
  constructor(
    readonly reason: OutboundFailure,
    message: string,
    /** The system's error code when the target could not be reached (`ECONNREFUSED`, `ENOTFOUND`…). */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

/** Which targets the server may reach: public addresses, and private ones too when the operator says so. */
export interface OutboundPolicy {
  /** `OUTBOUND_ALLOW_PRIVATE`: loopback, private (RFC 1918), CGNAT and ULA targets, for receivers on premises. */
  allowPrivate: boolean;
  /** The whole exchange, from resolving the name to the last byte of the answer (ms). */
  timeoutMs: number;
  /** The longest answer read; a longer one fails the request. */
  maxResponseBytes: number;
}

export interface OutboundRequest {
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer;
  /** The resolver (tests); the system's (`dns.lookup`) by default. */
  resolve?: Resolver;
}

/** Every address of a name, as `dns.lookup` with `all: true` answers them. */
export type Resolver = (
  hostname: string,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: Resolver = (hostname, callback) =>
  dnsLookup(hostname, { all: true }, callback);

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The ranges that `allowPrivate` opens (ipaddr.js's names). Link-local (cloud metadata), unspecified, multicast and the rest never are. */
const PRIVATE_RANGES = new Set(['private', 'loopback', 'carrierGradeNat', 'uniqueLocal']);

/**
 * Whether the server may connect to `address`: a public unicast address, or with `allowPrivate`
 * a private one. An IPv4-mapped IPv6 address is judged as the IPv4 address it maps, and the
 * IPv6 forms that embed an IPv4 address (6to4, NAT64, Teredo) are refused.
 */
export function isAllowedAddress(
  address: string,
  policy: Pick<OutboundPolicy, 'allowPrivate'>,
): boolean {
  if (!ipaddr.isValid(address)) return false;
  const range = ipaddr.process(address).range();
  return range === 'unicast' || (policy.allowPrivate && PRIVATE_RANGES.has(range));
}

function refused(): OutboundError {
  return new OutboundError(
    'address_refused',
    'The address is an internal one, which this server does not reach.',
  );
}

/**
 * A resolver that answers only allowed addresses: each address of the name is checked, and any
 * internal one refuses the name. The socket connects to the address answered here, so what was
 * checked is what is connected to (no second resolution for a rebinding DNS server to change).
 */
function guardedLookup(policy: OutboundPolicy, resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, (error, addresses) => {
      if (error) return callback(error, '', 0);
      if (
        addresses.length === 0 ||
        addresses.some(({ address }) => !isAllowedAddress(address, policy))
      )
        return callback(refused(), '', 0);
      // With `all` (Node's default happy-eyeballs connect) every address; else the first.
      if (options.all)
        (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/**
 * The one way the server fetches a URL it was given (webhooks now; knowledge pages and identity
 * providers next). The target's address is checked when the connection is made, on the address
 * connected to: by our resolver (`isAllowedAddress`, with ipaddr.js) and again by
 * `request-filtering-agent`'s agent, which also refuses an address literal before connecting.
 * No redirect is followed (a 3xx is answered as it is); the answer is read up to
 * `maxResponseBytes` and the whole exchange within `timeoutMs`. Connections are not reused.
 */
export function outboundRequest(
  url: string,
  request: OutboundRequest,
  policy: OutboundPolicy,
): Promise<OutboundResponse> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new OutboundError('invalid_url', 'The URL is not valid.'));
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.reject(
      new OutboundError('invalid_url', 'Only http and https URLs are fetched.'),
    );
  }
  const literal = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) !== 0 && !isAllowedAddress(literal, policy)) return Promise.reject(refused());

  const secure = target.protocol === 'https:';
  const agentOptions = {
    keepAlive: false,
    allowPrivateIPAddress: policy.allowPrivate,
    allowMetaIPAddress: false,
  };
  const agent = secure
    ? new RequestFilteringHttpsAgent(agentOptions)
    : new RequestFilteringHttpAgent(agentOptions);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const send = secure ? httpsRequest : httpRequest;

  return new Promise<OutboundResponse>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const outgoing = send(target, {
      method: request.method ?? 'GET',
      headers: { ...request.headers, ...(body && { 'Content-Length': body.length }) },
      agent,
      lookup: guardedLookup(policy, request.resolve ?? systemResolver),
    });
    const timer = setTimeout(() => {
      finish(() =>
        reject(new OutboundError('timeout', `No answer within ${policy.timeoutMs} ms.`)),
      );
      outgoing.destroy();
    }, policy.timeoutMs);
    outgoing.on('error', (error: NodeJS.ErrnoException) =>
      finish(() => {
        if (error instanceof OutboundError) reject(error);
        // request-filtering-agent's own refusal names the address: it is not passed on.
        else if (/is not allowed/.test(error.message)) reject(refused());
        else
          reject(new OutboundError('unreachable', 'The target could not be reached.', error.code));
      }),
    );
    outgoing.on('response', (response) => {
      const chunks: Buffer[] = [];
      let length = 0;
      response.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length > policy.maxResponseBytes) {
          finish(() =>
            reject(
              new OutboundError(
                'too_large',
                `The answer is larger than ${policy.maxResponseBytes} bytes.`,
              ),
            ),
          );
          response.destroy();
          outgoing.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () =>
        finish(() =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        ),
      );
      response.on('error', (error: NodeJS.ErrnoException) =>
        finish(() =>
          reject(new OutboundError('unreachable', 'The answer was cut off.', error.code)),
        ),
      );
    });
    outgoing.end(body);
  });
}
