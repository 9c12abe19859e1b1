import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Request, Response } from 'express';
import { metricsConfig } from '../config/metrics.config';

/**
 * The metrics route is for operators: with no `METRICS_TOKEN` it answers as an unknown route
 * does (404), and otherwise only to `Authorization: Bearer <METRICS_TOKEN>` (401 without it).
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(metricsConfig.KEY) config: ConfigType<typeof metricsConfig>) {
    this.expected = config.token === undefined ? undefined : digest(config.token);
  }

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    if (!this.expected)
      throw new NotFoundException(`Cannot ${request.method} ${request.originalUrl}`);
    const match = /^Bearer (\S+)$/i.exec(request.get('authorization') ?? '');
    // Compared as digests, in constant time: the token's length is not told either.
    if (match && timingSafeEqual(digest(match[1]), this.expected)) return true;
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
    throw new UnauthorizedException(
      'Send the metrics token: Authorization: Bearer <METRICS_TOKEN>.',
    );
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
