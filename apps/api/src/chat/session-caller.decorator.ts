import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { SESSION_TOKEN_HEADER } from '@chat/contracts';
import { apiKeyOf, principalOf } from '../common/principal';
import type { SessionCaller } from '../sessions/session-owner';

/**
 * The caller of a chat route as a session sees it: its session token (the `X-Session-Token`
 * header, or with `{ query: true }` also `?session_token=`, for an `EventSource`) and the API key
 * the access guard verified, if any, and the admin the preview guard verified, if any.
 */
export const Caller = createParamDecorator(
  (options: { query?: boolean } | undefined, context: ExecutionContext): SessionCaller => {
    const request = context.switchToHttp().getRequest<Request>();
    const fromQuery = options?.query ? request.query['session_token'] : undefined;
    const sessionToken =
      request.get(SESSION_TOKEN_HEADER) ?? (typeof fromQuery === 'string' ? fromQuery : undefined);
    const principal = principalOf(request);
    // Only the preview guard leaves a staff member on a chat call's request.
    const previewer = principal?.kind === 'staff' ? principal.id : undefined;
    return { sessionToken, apiKeyId: apiKeyOf(request)?.id, ...(previewer && { previewer }) };
  },
);
