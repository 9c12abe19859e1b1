import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { apiKeyOf } from '../common/principal';
import { ChatPageOrigins } from './chat-page-origins';

/** The page a browser says a request comes from (`Origin`), and the host it was sent to. */
export function pageOf(request: Request): { origin: string; host?: string } | undefined {
  const origin = request.get('origin');
  return origin === undefined ? undefined : { origin, host: request.get('host') };
}

/**
 * Refuses a chat call from a website not allowed to embed its assistant (`403 forbidden`), before
 * anything else about it is read: see {@link ChatPageOrigins}. The body and the route's ids are
 * looked at as sent; their validation comes after.
 */
@Injectable()
export class PageOriginGuard implements CanActivate {
  constructor(private readonly pageOrigins: ChatPageOrigins) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const body = (typeof request.body === 'object' && request.body) || {};
    await this.pageOrigins.check(pageOf(request), {
      assistantId: (body as Record<string, unknown>)['assistant_id'],
      sessionId: request.params['sessionId'] ?? (body as Record<string, unknown>)['session_id'],
      streamId: request.params['streamId'],
      apiKeyId: apiKeyOf(request)?.id,
    });
    return true;
  }
}
