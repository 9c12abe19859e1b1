import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '../common/api-error';
import { apiKeyOf, type WithPrincipal } from '../common/principal';
import { StaffCookieAccess } from './staff-cookie-access';

/**
 * A chat call with `"preview": true` runs an assistant's unpublished draft (PROTOCOL.md,
 * Assistants): only an admin's staff session may make it, with the CSRF header, as any staff
 * write. The admin is left on the request (for the call's `Caller`); other chat calls pass as
 * they are (the route's visitors rule has judged them).
 */
@Injectable()
export class PreviewAccessGuard implements CanActivate {
  constructor(private readonly staffCookie: StaffCookieAccess) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request & WithPrincipal>();
    // The body as sent: a `preview` that is not `true` is the validation pipe's to refuse.
    const body: unknown = request.body;
    if (
      typeof body !== 'object' ||
      body === null ||
      (body as { preview?: unknown }).preview !== true
    ) {
      return true;
    }
    if (apiKeyOf(request)) {
      throw new ApiError('forbidden', 'A preview needs a staff session, not an API key.');
    }
    const admin = await this.staffCookie.authenticate(request, 'admin');
    if (!admin) throw new ApiError('unauthorized', 'Sign in as an admin to preview a draft.');
    return true;
  }
}
