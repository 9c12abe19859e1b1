import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ApiError } from '../common/api-error';
import type { WithPrincipal } from '../common/principal';
import { ACCESS_RULE, type AccessRule } from './access.decorator';
import { ApiKeys } from './api-keys';
import { StaffCookieAccess } from './staff-cookie-access';

/** The key in `Authorization: Bearer <key>`, or undefined for any other form. */
export function bearerKey(authorization: string | undefined): string | undefined {
  const match = /^Bearer ([\x21-\x7e]{1,256})$/i.exec(authorization ?? '');
  return match?.[1];
}

/** `Cache-Control: no-store` on an answer made for one caller's credential. */
export function keepOutOfCaches(response: Response): void {
  response.setHeader('Cache-Control', 'no-store');
}

/**
 * Every HTTP route's access rule ({@link Access}), applied before anything else runs: an API key
 * (`Authorization: Bearer`) is verified and must have the route's scope; a staff session cookie
 * must be live, its role high enough, and a state-changing call must come from no other site's
 * page and echo its CSRF token. The verified caller is left on the request for the rate limits
 * and the handlers.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeys,
    private readonly staffCookie: StaffCookieAccess,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) return true;
    const request = context.switchToHttp().getRequest<Request & WithPrincipal>();
    const response = context.switchToHttp().getResponse<Response>();
    // What a credential opens is nobody else's: no shared or browser cache keeps it.
    if (!rule.visitors) keepOutOfCaches(response);

    const authorization = request.get('authorization');
    if (authorization !== undefined) {
      const key = bearerKey(authorization);
      const principal = key ? await this.apiKeys.verify(key) : undefined;
      if (!principal)
        throw new ApiError(
          'unauthorized',
          'Unknown or revoked API key (Authorization: Bearer <key>).',
        );
      request.principal = principal;
      keepOutOfCaches(response);
      if (!rule.key) throw new ApiError('forbidden', 'API keys may not make this call.');
      if (!principal.scopes.includes(rule.key))
        throw new ApiError('forbidden', `This API key lacks the scope ${rule.key}.`);
      return true;
    }

    const principal = rule.staff
      ? await this.staffCookie.authenticate(request, rule.staff)
      : undefined;
    if (principal) {
      keepOutOfCaches(response);
      return true;
    }
    if (rule.visitors) return true;
    throw new ApiError(
      'unauthorized',
      rule.staff && rule.key
        ? 'Sign in, or send an API key.'
        : rule.staff
          ? 'Sign in first.'
          : 'An API key is required.',
    );
  }
}
