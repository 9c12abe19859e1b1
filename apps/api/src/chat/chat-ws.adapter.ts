import type { IncomingMessage } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import { bearerKey } from '../access/access.guard';
import type { ApiKeyPrincipal, WithPrincipal } from '../common/principal';

export interface ChatWsLimits {
  /** The largest frame a client may send (the HTTP body limit); a larger one closes the socket with 1009. */
  maxPayload: number;
  /** Whether a page of `origin` may open the socket: a portal origin, or one some assistant allows. */
  embeds: (origin: string) => Promise<boolean>;
  /** The live API key `key` is, if any. */
  verifyApiKey: (key: string) => Promise<ApiKeyPrincipal | undefined>;
}

/** The raw key an upgrade request sent, for the gateway to check again on each message. */
export function upgradeApiKey(request: IncomingMessage): string | undefined {
  return bearerKey(request.headers.authorization);
}

/**
 * The `ws` adapter with the HTTP side's limits: frames no larger than a request body (the
 * library's default is 100 MiB), and upgrades only from an allowed origin (the portal's, or a
 * website some assistant lists), the API's own, or
 * with an API key (`Authorization: Bearer`, which a server can send and a browser cannot; a
 * key sent must be live, or the upgrade is refused with 401). A client that sends no `Origin`
 * is not a browser, so no other site's page can be riding on a visitor's browser; it is
 * rate-limited like any other.
 */
export class ChatWsAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly limits: ChatWsLimits,
  ) {
    super(app);
  }

  override create(
    port: number,
    options: Record<string, unknown> = {},
  ): ReturnType<WsAdapter['create']> {
    return super.create(port, {
      ...options,
      maxPayload: this.limits.maxPayload,
      verifyClient: (
        info: { origin?: string; req: IncomingMessage & WithPrincipal },
        done: (allowed: boolean, status?: number, message?: string) => void,
      ) => {
        this.verify(info).then(
          (refusal) => (refusal ? done(false, refusal.status, refusal.message) : done(true)),
          () => done(false, 503, 'Service unavailable'),
        );
      },
    });
  }

  private async verify(info: {
    origin?: string;
    req: IncomingMessage & WithPrincipal;
  }): Promise<{ status: number; message: string } | undefined> {
    if (info.req.headers.authorization !== undefined) {
      const key = upgradeApiKey(info.req);
      const principal = key ? await this.limits.verifyApiKey(key) : undefined;
      if (!principal) return { status: 401, message: 'Unknown or revoked API key' };
      if (!principal.scopes.includes('chat'))
        return { status: 403, message: 'This API key lacks the scope chat' };
      info.req.principal = principal;
      return undefined;
    }
    return (await this.originAllowed(info.origin, info.req))
      ? undefined
      : { status: 403, message: 'Origin not allowed' };
  }

  /** Each message is checked again against its own assistant's origins (`ChatPageOrigins`). */
  private async originAllowed(
    origin: string | undefined,
    request: IncomingMessage,
  ): Promise<boolean> {
    if (!origin) return true;
    try {
      // The portal the API serves itself.
      if (new URL(origin).host === request.headers.host) return true;
    } catch {
      return false;
    }
    return this.limits.embeds(origin);
  }
}
