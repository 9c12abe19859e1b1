import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { doubleCsrf } from 'csrf-csrf';
import type { Request, Response } from 'express';
import { XSRF_COOKIE, XSRF_HEADER } from '@chat/contracts';
import { principalOf } from '../common/principal';
import { appConfig } from '../config/app.config';

/** Read by the portal's scripts, by design: the secret half is the HttpOnly session cookie. */
const XSRF_COOKIE_OPTIONS = { httpOnly: false, sameSite: 'lax', path: '/', secure: false } as const;

/** The staff session cookie's secret, which the CSRF token is bound to (signed with, and for). */
function staffSessionToken(request?: Request): string {
  const principal = request && principalOf(request);
  return principal?.kind === 'staff' ? principal.sessionToken : '';
}

/**
 * CSRF protection for calls made with the staff cookie, Angular's way: an `XSRF-TOKEN` cookie
 * that the portal's scripts read and echo as `X-XSRF-TOKEN`. `csrf-csrf`'s signed double submit
 * binds the token to the staff session (an HMAC keyed with the session's secret), so a token
 * planted by a sibling subdomain or taken from another session does not pass.
 */
@Injectable()
export class StaffCsrf {
  /** Origins besides the API's own whose pages may write with the staff cookie: the listed CORS origins. */
  private readonly portalOrigins: ReadonlySet<string>;

  constructor(@Inject(appConfig.KEY) config: ConfigType<typeof appConfig>) {
    this.portalOrigins = new Set(config.corsOrigins === '*' ? [] : config.corsOrigins);
  }

  private readonly csrf = doubleCsrf({
    getSecret: staffSessionToken,
    getSessionIdentifier: staffSessionToken,
    cookieName: XSRF_COOKIE,
    cookieOptions: XSRF_COOKIE_OPTIONS,
    getCsrfTokenFromRequest: (request) => request.get(XSRF_HEADER),
  });

  /** Sets a fresh token cookie for the request's staff session (which must be on the request). */
  issue(request: Request, response: Response): void {
    this.csrf.generateCsrfToken(request, response, {
      overwrite: true,
      cookieOptions: { ...XSRF_COOKIE_OPTIONS, secure: request.secure },
    });
  }

  /**
   * Whether a browser says the request comes from another site's page: `Sec-Fetch-Site:
   * cross-site`, or an `Origin` that is neither the API's own host nor a listed portal origin
   * (`null` included). Checked beside the token, so that a leaked or planted token alone is not
   * enough; a client that sends neither header (not a browser) is judged by the token alone.
   */
  isCrossSite(request: Request): boolean {
    if (request.get('sec-fetch-site') === 'cross-site') return true;
    const origin = request.get('origin');
    if (origin === undefined || this.portalOrigins.has(origin)) return false;
    try {
      // The host alone: behind a proxy that terminates https without TRUST_PROXY the scheme differs.
      return new URL(origin).host !== request.get('host');
    } catch {
      return true;
    }
  }

  /** Whether the request's header echoes a valid token for its staff session. */
  validates(request: Request): boolean {
    return staffSessionToken(request) !== '' && this.csrf.validateRequest(request);
  }
}
