import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { ApiKeyScope, StaffRole } from '@chat/contracts';

/** Who may call a route. A route without a rule is public and its credentials are not looked at. */
export interface AccessRule {
  /** Callers with no credential are let through (the chat, which is public by design). */
  visitors?: boolean;
  /** The scope that admits an API key; without it, keys are refused. */
  key?: ApiKeyScope;
  /** The least staff role admitted (`admin` includes `agent`); without it, staff are refused. */
  staff?: StaffRole;
}

export const ACCESS_RULE = 'chat:access-rule';
export const API_KEY_SCHEME = 'api-key';
export const STAFF_SESSION_SCHEME = 'staff-session';

/** The route's access rule, and the security schemes and error answers its OpenAPI entry shows. */
export function Access(rule: AccessRule): MethodDecorator & ClassDecorator {
  const who = [rule.staff && `staff (${rule.staff})`, rule.key && `API keys with \`${rule.key}\``]
    .filter(Boolean)
    .join(' or ');
  return applyDecorators(
    SetMetadata(ACCESS_RULE, rule),
    ...(rule.key ? [ApiBearerAuth(API_KEY_SCHEME)] : []),
    ...(rule.staff ? [ApiCookieAuth(STAFF_SESSION_SCHEME)] : []),
    ...(rule.visitors
      ? [ApiUnauthorizedResponse({ description: '`unauthorized`: an unknown or revoked API key' })]
      : [
          ApiUnauthorizedResponse({
            description: '`unauthorized`: no credentials, or an unknown, revoked or expired one',
          }),
          ApiForbiddenResponse({
            description: `\`forbidden\`: only ${who}; state-changing staff calls also need \`X-XSRF-TOKEN\``,
          }),
        ]),
  );
}
