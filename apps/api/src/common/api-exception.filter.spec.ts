import { BadRequestException, NotFoundException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { ApiError } from './api-error';
import { toApiErrorBody } from './api-exception.filter';

describe('toApiErrorBody', () => {
  it('keeps the code and message of our own errors', () => {
    expect(toApiErrorBody(new ApiError('generation_in_progress', 'Busy.'))).toEqual({
      statusCode: 409,
      code: 'generation_in_progress',
      message: 'Busy.',
    });
  });

  it('maps framework errors to contract codes, joining validation messages', () => {
    expect(
      toApiErrorBody(new BadRequestException(['message must be a string', 'x is not allowed'])),
    ).toEqual({
      statusCode: 400,
      code: 'invalid_request',
      message: 'message must be a string; x is not allowed',
    });
    expect(toApiErrorBody(new NotFoundException()).code).toBe('not_found');
    expect(toApiErrorBody(new ThrottlerException())).toEqual({
      statusCode: 429,
      code: 'rate_limited',
      message: 'Too many requests. Please wait a moment, then try again.',
    });
  });

  it('answers anything unexpected as internal_error without its details', () => {
    const body = toApiErrorBody(new Error('connect ECONNREFUSED postgres://admin:hunter2@db'));
    expect(body).toEqual({ statusCode: 500, code: 'internal_error', message: expect.any(String) });
    expect(body.message).not.toMatch(/hunter2|ECONNREFUSED|postgres/);
  });

  it('maps body parser failures', () => {
    expect(toApiErrorBody({ status: 413, type: 'entity.too.large' }).code).toBe(
      'payload_too_large',
    );
    expect(toApiErrorBody({ status: 400, type: 'entity.parse.failed' }).code).toBe(
      'invalid_request',
    );
    expect(toApiErrorBody({ status: 400, type: 'entity.too.deep' })).toMatchObject({
      statusCode: 400,
      code: 'invalid_request',
      message: expect.stringMatching(/nested too deeply/),
    });
  });
});
