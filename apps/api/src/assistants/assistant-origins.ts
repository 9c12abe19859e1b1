import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from '../config/app.config';
import { RecentReads } from '../common/recent-reads';
import { AssistantStore } from './assistant-store';

/** How long an assistant's allowed origins are kept before they are read again: a publish shows within it on every instance. */
export const EMBEDDING_ORIGINS_TTL_MS = 1000;

/** The web page a browser says a call comes from: its `Origin`, and the `Host` it was sent to. */
export interface PageOrigin {
  origin: string;
  host?: string;
}

/**
 * Which websites' pages may talk to which assistant (PROTOCOL.md, Website widget): the portal's
 * own pages always (the API's own host, and `CORS_ORIGINS`), others only when the assistant's
 * live version lists them in `allowed_origins`. Read from the database at most once a second per
 * assistant and instance, so that the turn's one round trip before its first token stays one.
 */
@Injectable()
export class AssistantOrigins {
  private readonly portalOrigins: ReadonlySet<string> | '*';
  private readonly origins = new RecentReads<ReadonlySet<string>>(EMBEDDING_ORIGINS_TTL_MS);

  constructor(
    private readonly store: AssistantStore,
    @Inject(appConfig.KEY) config: ConfigType<typeof appConfig>,
  ) {
    this.portalOrigins = config.corsOrigins === '*' ? '*' : new Set(config.corsOrigins);
  }

  /** Whether `page` is one of the portal's own: the API's host, or a `CORS_ORIGINS` origin. */
  isPortal(page: PageOrigin): boolean {
    if (this.portalOrigins === '*' || this.portalOrigins.has(page.origin)) return true;
    try {
      return page.host !== undefined && new URL(page.origin).host === page.host;
    } catch {
      return false;
    }
  }

  /** Whether `page` may talk to `assistantId` (the default assistant when undefined). */
  async allows(page: PageOrigin, assistantId: string | undefined): Promise<boolean> {
    if (this.isPortal(page)) return true;
    return (await this.read(assistantId ?? '', { assistantId })).has(page.origin);
  }

  /** Whether some assistant may be embedded by `origin`: CORS answers it, and a socket may open. */
  async embeds(origin: string): Promise<boolean> {
    if (this.portalOrigins === '*' || this.portalOrigins.has(origin)) return true;
    return (await this.read('*', 'any')).has(origin);
  }

  private read(key: string, scope: Parameters<AssistantStore['embeddingOrigins']>[0]) {
    return this.origins.get(key, () =>
      this.store.embeddingOrigins(scope).then((list) => new Set(list)),
    );
  }
}
