import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { type StaffRole, STAFF_SESSION_COOKIE, XSRF_HEADER } from '@chat/contracts';
import { ApiError } from '../common/api-error';
import type { StaffPrincipal, WithPrincipal } from '../common/principal';
import { StaffCsrf } from './staff-csrf';
import { StaffSignIn } from './staff-sign-in';

const ROLE_RANK: Record<StaffRole, number> = { agent: 1, admin: 2 };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A staff session cookie, checked as every staff call is: live, its role high enough, and a
 * state-changing call from no other site's page, echoing its CSRF token.
 */
@Injectable()
export class StaffCookieAccess {
  constructor(
    private readonly staff: StaffSignIn,
    private readonly csrf: StaffCsrf,
  ) {}

  /**
   * The staff member the request's cookie signs in, if it is live (`undefined` without one),
   * left on the request (the CSRF token is checked against its session); `403 forbidden` when
   * the role is too low or the call fails the CSRF checks.
   */
  async authenticate(
    request: Request & WithPrincipal,
    role: StaffRole,
  ): Promise<StaffPrincipal | undefined> {
    const cookie: unknown = request.cookies?.[STAFF_SESSION_COOKIE];
    const principal =
      typeof cookie === 'string' ? await this.staff.authenticate(cookie) : undefined;
    if (!principal) return undefined;
    request.principal = principal;
    if (ROLE_RANK[principal.role] < ROLE_RANK[role]) {
      throw new ApiError('forbidden', `This needs the ${role} role.`);
    }
    if (!SAFE_METHODS.has(request.method) && this.csrf.isCrossSite(request)) {
      throw new ApiError('forbidden', 'A cross-site page may not act with the staff session.');
    }
    if (!SAFE_METHODS.has(request.method) && !this.csrf.validates(request)) {
      throw new ApiError('forbidden', `Missing or invalid CSRF token (${XSRF_HEADER}).`);
    }
    return principal;
  }
}
