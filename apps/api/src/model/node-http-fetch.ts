import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';

type Fetch = typeof globalThis.fetch;

/** Bytes of a streamed body read ahead of the SDK before the socket is paused. */
const BODY_HIGH_WATER_MARK = 64 * 1024;

/**
 * The `fetch` the openai SDK is given for a real provider: one `node:http(s)` request on a
 * keep-alive agent instead of undici's `fetch`, whose request/response state machines and WHATWG
 * body piped through a transform were a large share of the API's CPU and memory per open stream
 * when streams were many (figures: docs/performance-log.md). It does what the SDK needs and no
 * more:
 * - the method, headers and a string or byte body of `init`;
 * - `init.signal`: aborting destroys the request at once, which closes the upstream socket in
 *   the same turn (an aborted generation stops the provider's billing now, not at its next token);
 * - a `Response` whose body is a stream that pauses the socket when the SDK reads slower than
 *   the provider writes;
 * - `gzip`, `deflate` and `br` bodies are decoded, as `fetch` does.
 * Bodies it cannot send itself (form data, streams) and redirects are not the SDK's chat calls;
 * such requests go to `fallback`.
 */
export function createNodeHttpFetch(fallback: Fetch = globalThis.fetch): Fetch {
  // Node keeps a bounded number of idle sockets per host by default: with more replies and
  // extraction calls in flight than that, every burst of finishing calls closed sockets that the
  // next burst reconnected. Idle sockets cost little, and the provider closes those it does not
  // want.
  const options = { keepAlive: true, scheduling: 'lifo', maxFreeSockets: 4096 } as const;
  const agents = {
    'http:': new http.Agent(options),
    'https:': new https.Agent(options),
  };
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : undefined;
    const body = init?.body;
    if (
      url === undefined ||
      !(body == null || typeof body === 'string' || body instanceof Uint8Array)
    ) {
      return fallback(input, init);
    }
    const parsed = new URL(url);
    const agent = agents[parsed.protocol as keyof typeof agents];
    if (!agent) return fallback(input, init);
    return send(
      parsed,
      { method: init?.method ?? 'GET', headers: headerRecord(init?.headers), agent },
      body,
      init?.signal,
    );
  };
}

/**
 * One request. The request body and `init` are not captured by the closures that live as long as
 * the response (an idle stream can stay open for minutes): each reply's JSON body, with its
 * system prompt and conversation, would otherwise stay in memory until the stream ends.
 */
function send(
  url: URL,
  options: http.RequestOptions,
  body: string | Uint8Array | null | undefined,
  signal: AbortSignal | null | undefined,
): Promise<Response> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const request = (url.protocol === 'https:' ? https : http).request(url, options);
  const response = new Promise<Response>((resolve, reject) => {
    let settled = false;
    let body$: ReadableStreamDefaultController<Uint8Array> | undefined;
    const onAbort = () => {
      const error = abortError(signal);
      // Destroying the request destroys its socket now, rather than returning it to the pool.
      request.destroy(error);
      if (!settled) {
        settled = true;
        reject(error);
      }
      fail(error);
    };
    const fail = (error: unknown) => {
      if (!body$) return;
      const controller = body$;
      body$ = undefined;
      try {
        controller.error(error);
      } catch {
        // the SDK cancelled the body already
      }
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    request.once('error', (error) => {
      done();
      if (!settled) {
        settled = true;
        reject(error);
      }
      fail(error);
    });
    request.once('response', (response) => {
      settled = true;
      const decoded = decode(response);
      const headers = new Headers();
      const raw = response.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
      const stream = new ReadableStream<Uint8Array>(
        {
          start(controller) {
            body$ = controller;
            decoded.on('data', (chunk: Buffer) => {
              if (!body$) return;
              controller.enqueue(chunk);
              if ((controller.desiredSize ?? 1) <= 0) decoded.pause();
            });
            decoded.once('end', () => {
              done();
              if (!body$) return;
              body$ = undefined;
              controller.close();
            });
            decoded.once('error', (error) => {
              done();
              fail(error);
            });
            // A socket closed before the end of the body (a reset provider) fails the body.
            response.once('close', () => {
              if (!response.complete) fail(new Error('upstream connection closed mid-body'));
            });
          },
          pull() {
            decoded.resume();
          },
          cancel() {
            body$ = undefined;
            done();
            request.destroy();
          },
        },
        { highWaterMark: BODY_HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
      );
      resolve(
        new Response(response.statusCode === 204 || response.statusCode === 304 ? null : stream, {
          status: response.statusCode,
          statusText: response.statusMessage,
          headers,
        }),
      );
    });
  });
  request.end(body ?? undefined);
  return response;
}

function headerRecord(headers: HeadersInit | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  if (!headers) return record;
  if (headers instanceof Headers) headers.forEach((value, name) => (record[name] = value));
  else if (Array.isArray(headers)) for (const [name, value] of headers) record[name] = value;
  else Object.assign(record, headers);
  return record;
}

function decode(response: http.IncomingMessage): NodeJS.ReadableStream & http.IncomingMessage {
  const encoding = response.headers['content-encoding'];
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : undefined;
  if (!decoder) return response;
  response.once('error', (error) => decoder.destroy(error));
  return response.pipe(decoder) as unknown as http.IncomingMessage;
}

/** What `fetch` rejects with on abort: an `AbortError`, which the SDK treats as a deliberate stop. */
function abortError(signal: AbortSignal | null | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  return new DOMException('This operation was aborted', 'AbortError');
}
