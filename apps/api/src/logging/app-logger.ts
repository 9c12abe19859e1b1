import type { LoggerService } from '@nestjs/common';
import type { Logger as Pino } from 'pino';
import { currentRequestId } from './request-context';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's logger over pino: every `Logger` of the app writes one JSON line, with its context.
 * As with nestjs-pino, an object or an Error given first becomes fields of the line (`{ err }`),
 * and the last extra argument is the context. A line written while serving a request carries
 * that request's id as `reqId` (pino-http's name), the id of its access line and of its
 * `X-Request-Id` answer ({@link currentRequestId}).
 */
export class AppLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  verbose(message: unknown, ...rest: unknown[]): void {
    this.call('trace', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.call('debug', message, rest);
  }
  log(message: unknown, ...rest: unknown[]): void {
    this.call('info', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.call('warn', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.call('error', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.call('fatal', message, rest);
  }

  private call(level: Level, message: unknown, rest: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    const reqId = currentRequestId();
    if (reqId !== undefined) fields['reqId'] = reqId;
    let params = rest;
    if (rest.length > 0) {
      fields['context'] = rest[rest.length - 1];
      params = rest.slice(0, -1);
    }
    if (typeof message === 'object' && message !== null) {
      if (message instanceof Error) fields['err'] = message;
      else Object.assign(fields, message);
      this.pino[level](fields, ...(params as [string?]));
    } else if (
      // Nest's exception handlers call error(message, stack, context).
      level === 'error' &&
      typeof message === 'string' &&
      params.length === 1 &&
      typeof params[0] === 'string' &&
      /\n\s*at /.test(params[0])
    ) {
      const err = new Error(message);
      err.stack = params[0];
      this.pino.error({ ...fields, err });
    } else {
      this.pino[level](fields, String(message), ...(params as []));
    }
  }
}
