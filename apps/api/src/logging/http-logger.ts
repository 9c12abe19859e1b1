import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type Logger as Pino } from 'pino';
import { pinoHttp } from 'pino-http';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/**
 * The app's pino logger at `level`, credentials never written: JSON lines, or, for a person at a
 * terminal, pino-pretty's (in this thread: a worker's transport would outlive a crash's last line).
 */
export function createPino(
  level: string,
  format: 'json' | 'pretty' = 'json',
  destination: NodeJS.WritableStream = process.stdout,
): Pino {
  const options = {
    level,
    redact: [
      'req.headers.authorization',
      'req.headers.cookie',
      'req.headers["x-api-key"]',
      'req.headers["x-session-token"]',
    ],
  };
  if (format === 'json') return pino(options, destination);
  // Loaded only when used: production never needs it.
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  return pino(
    options,
    pretty({
      destination,
      colorize: destination === process.stdout,
      sync: true,
      ignore: 'pid,hostname',
    }),
  );
}

/**
 * Express middleware writing one line per request when its response ends, health checks and
 * metrics scrapes excepted. A caller's request id (`X-Request-Id`, when it looks like one) is
 * kept so that logs can be joined across services; otherwise one is made. Either way it is echoed.
 *
 * Request lines are `info` lines. Above that level (`LOG_LEVEL=warn` and up) only the id is
 * handled: pino-http would still make two child loggers and two response listeners per request
 * for lines it never writes, about a tenth of the CPU of a short streamed turn (measured).
 * Failures are logged where they happen, at `error`, whatever this does.
 */
export function httpLogger(logger: Pino): Middleware {
  if (!logger.isLevelEnabled('info')) {
    return (req, res, next) => {
      requestId(req, res);
      next();
    };
  }
  return pinoHttp({
    logger,
    genReqId: requestId,
    // Probes and scrapes come every few seconds from machines, not people.
    autoLogging: {
      ignore: (req: IncomingMessage) => /^\/api\/(health|metrics)(\/|\?|$)/.test(req.url ?? ''),
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}

/**
 * A request's URL as the access log shows it: a session's id stands for its conversation, so it
 * is replaced, and query values (a resume's `session_token`) are dropped.
 */
export function redactUrl(url: string): string {
  const [path, query] = url.split('?', 2);
  const shown = path.replace(/^(\/api\/chat\/sessions\/)[^/]+/, '$1:id');
  if (query === undefined) return shown;
  const names = query
    .split('&')
    .map((pair) => pair.split('=', 1)[0])
    .filter(Boolean);
  return `${shown}?${names.map((name) => `${name}=…`).join('&')}`;
}

/** The caller's request id when it looks like one, otherwise a new one; echoed so that a client can quote it. */
function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}
