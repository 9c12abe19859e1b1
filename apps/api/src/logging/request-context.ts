import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The id of the HTTP request being served, for the service lines written while serving it.
 * Entered once per request, after the body is read (a body parser's callbacks run in the
 * socket's context, not the request's), and carried by Node along the request's promises and
 * timers: the turn it starts, its notification's first attempt. The price: on Node 20, once a
 * context has been entered, a hook runs for every promise and async resource the process makes,
 * on the streaming path too (docs/performance-log.md, ninth session).
 */
const requests = new AsyncLocalStorage<string>();

/** Express middleware: the rest of the request runs with its id (the `X-Request-Id` answered). */
export function enterRequestContext(_req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const id = res.getHeader('x-request-id');
  if (typeof id === 'string') requests.run(id, next);
  else next();
}

/** The id of the request whose work is running now, if any. */
export function currentRequestId(): string | undefined {
  return requests.getStore();
}
