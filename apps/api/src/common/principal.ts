import type { ApiKeyScope, StaffRole } from '@chat/contracts';
import { ApiError } from './api-error';

/** An integration client, by the API key it sent. */
export interface ApiKeyPrincipal {
  kind: 'api-key';
  id: string;
  scopes: readonly ApiKeyScope[];
}

/** A signed-in staff member, by the session cookie it sent. */
export interface StaffPrincipal {
  kind: 'staff';
  id: string;
  email: string;
  role: StaffRole;
  /** The cookie's secret: the CSRF token is bound to it. */
  sessionToken: string;
  /** When the sign-in ends: what it opened ends then too. */
  expiresAt: Date;
}

/** Who a request proved it is; a visitor proves nothing here (its session token is per session). */
export type Principal = ApiKeyPrincipal | StaffPrincipal;

/** The request field the access guard sets. */
export interface WithPrincipal {
  principal?: Principal;
}

export function principalOf(request: object): Principal | undefined {
  return (request as WithPrincipal).principal;
}

/** The verified API key a request came with, if any. */
export function apiKeyOf(request: object): ApiKeyPrincipal | undefined {
  const principal = principalOf(request);
  return principal?.kind === 'api-key' ? principal : undefined;
}

/** The signed-in staff member of a staff-only route (the access guard let nobody else through). */
export function staffOf(request: object): StaffPrincipal {
  const principal = principalOf(request);
  if (principal?.kind !== 'staff') throw new ApiError('forbidden', 'Only staff may do this.');
  return principal;
}

/** A rate-limit client named by its API key (IP addresses are the other kind of client). */
export function apiKeyClient(keyId: string): string {
  return `key:${keyId}`;
}
