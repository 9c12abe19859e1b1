import { XSRF_COOKIE, XSRF_HEADER } from '@chat/contracts';

/** One `Set-Cookie` header, parsed enough to check its attributes. */
export interface SetCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
}

export function parseSetCookie(header: string): SetCookie {
  const [pair, ...rest] = header.split(';').map((part) => part.trim());
  const at = pair.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const attribute of rest) {
    const [key, ...value] = attribute.split('=');
    attributes[key.toLowerCase()] = value.length ? value.join('=') : true;
  }
  return { name: pair.slice(0, at), value: decodeURIComponent(pair.slice(at + 1)), attributes };
}

/**
 * A staff member's browser as the API sees it: a cookie jar, and Angular's CSRF habit of echoing
 * the `XSRF-TOKEN` cookie as `X-XSRF-TOKEN` on state-changing calls (unless told not to).
 */
export class StaffClient {
  readonly cookies = new Map<string, string>();
  /** The `Set-Cookie` headers of the last response. */
  lastSetCookies: SetCookie[] = [];

  constructor(private readonly baseUrl: string) {}

  /** What the browser sends with a state-changing call: the cookies and (unless `csrf: false`) the CSRF header. */
  credentials(options: { csrf?: boolean } = {}): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.cookies.size)
      headers['Cookie'] = [...this.cookies]
        .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
        .join('; ');
    const xsrf = this.cookies.get(XSRF_COOKIE);
    if (options.csrf !== false && xsrf) headers[XSRF_HEADER] = xsrf;
    return headers;
  }

  async call(
    method: string,
    path: string,
    options: { body?: unknown; csrf?: boolean; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {
      ...this.credentials({ csrf: method !== 'GET' && options.csrf !== false }),
      ...options.headers,
    };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    this.lastSetCookies = response.headers.getSetCookie().map(parseSetCookie);
    for (const cookie of this.lastSetCookies) {
      const expired =
        cookie.attributes['expires'] &&
        new Date(String(cookie.attributes['expires'])).getTime() < Date.now();
      if (cookie.value === '' || expired) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  login(email: string, password: string, headers?: Record<string, string>): Promise<Response> {
    return this.call('POST', '/api/auth/login', { body: { email, password }, headers });
  }
}
