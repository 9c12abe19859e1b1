import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { type ApiErrorBody, ERROR_HTTP_STATUS } from '@chat/contracts';
import { ApiError, errorCodeForStatus } from './api-error';
import { MAX_JSON_DEPTH } from './json-depth';

const INTERNAL_MESSAGE = 'Something went wrong on our side. Please try again.';
/** For the rate limiter's 429, whose own text names its class (`ThrottlerException: …`). */
const RATE_LIMITED_MESSAGE = 'Too many requests. Please wait a moment, then try again.';

/** Errors of the body parser (express `http-errors`), which carry a status and a type. */
interface BodyParserError {
  status: number;
  type: string;
  expose?: boolean;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as BodyParserError).status === 'number' &&
    typeof (error as BodyParserError).type === 'string'
  );
}

/** Turns every error into the contract's JSON shape. Nothing else formats errors. */
export function toApiErrorBody(error: unknown): ApiErrorBody {
  if (error instanceof ApiError) {
    return error.getResponse() as ApiErrorBody;
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = errorCodeForStatus(status);
    const response = error.getResponse();
    // ValidationPipe answers `{ message: string[] }`: join it into one readable sentence.
    const detail =
      typeof response === 'object' && response !== null && 'message' in response
        ? (response as { message: unknown }).message
        : error.message;
    const message =
      code === 'internal_error'
        ? INTERNAL_MESSAGE
        : code === 'rate_limited'
          ? RATE_LIMITED_MESSAGE
          : Array.isArray(detail)
            ? detail.join('; ')
            : String(detail);
    return { statusCode: status, code, message };
  }
  if (isBodyParserError(error)) {
    if (error.status === 413) {
      return {
        statusCode: 413,
        code: 'payload_too_large',
        message: 'The request body is too large.',
      };
    }
    if (error.type === 'entity.too.deep') {
      return {
        statusCode: 400,
        code: 'invalid_request',
        message: `The request body is nested too deeply (at most ${MAX_JSON_DEPTH} levels).`,
      };
    }
    if (error.type === 'entity.parse.failed') {
      return {
        statusCode: 400,
        code: 'invalid_request',
        message: 'The request body is not valid JSON.',
      };
    }
    if (error.status >= 400 && error.status < 500) {
      return {
        statusCode: error.status,
        code: 'invalid_request',
        message: 'The request body could not be read.',
      };
    }
  }
  return {
    statusCode: ERROR_HTTP_STATUS.internal_error,
    code: 'internal_error',
    message: INTERNAL_MESSAGE,
  };
}

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const body = toApiErrorBody(error);
    if (body.code === 'internal_error') {
      this.logger.error(
        { err: error, method: request.method, url: request.originalUrl },
        'Unhandled error answered as internal_error',
      );
    }
    if (response.headersSent) {
      // A stream already started: its errors travel as events; just end it.
      response.end();
      return;
    }
    if (error instanceof ApiError && error.retryAfterSeconds !== undefined) {
      response.setHeader('Retry-After', String(error.retryAfterSeconds));
    }
    response.status(body.statusCode).json(body);
  }
}

/** Express error middleware for what fails before Nest's router: the body parser. */
export function answerBodyParserErrors(
  error: unknown,
  _req: Request,
  res: Response,
  next: NextFunction,
): void {
  if (res.headersSent || !isBodyParserError(error)) return next(error);
  const body = toApiErrorBody(error);
  res.status(body.statusCode).json(body);
}
