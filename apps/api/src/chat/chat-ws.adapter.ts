import type { IncomingMessage } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';

export interface ChatWsLimits {
  /** The largest frame a client may send (the HTTP body limit); a larger one closes the socket with 1009. */
  maxPayload: number;
  /** Origins a browser may open the socket from (`CORS_ORIGINS`), or `*`. */
  allowedOrigins: string[] | '*';
}

/**
 * The `ws` adapter with the HTTP side's limits: frames no larger than a request body (the
 * library's default is 100 MiB), and upgrades only from an allowed origin or the API's own.
 * A client that sends no `Origin` is not a browser, so no other site's page can be riding on a
 * visitor's browser; it is rate-limited like any other.
 */
export class ChatWsAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly limits: ChatWsLimits,
  ) {
    super(app);
  }

  override create(port: number, options: Record<string, unknown> = {}): ReturnType<WsAdapter['create']> {
    return super.create(port, {
      ...options,
      maxPayload: this.limits.maxPayload,
      verifyClient: (
        info: { origin?: string; req: IncomingMessage },
        done: (allowed: boolean, status?: number, message?: string) => void,
      ) => (this.originAllowed(info.origin, info.req) ? done(true) : done(false, 403, 'Origin not allowed')),
    });
  }

  private originAllowed(origin: string | undefined, request: IncomingMessage): boolean {
    if (!origin) return true;
    if (this.limits.allowedOrigins === '*') return true;
    if (this.limits.allowedOrigins.includes(origin)) return true;
    try {
      // The portal the API serves itself.
      return new URL(origin).host === request.headers.host;
    } catch {
      return false;
    }
  }
}
