import { ValidationPipe } from '@nestjs/common';

/**
 * The request validation of every transport: unknown fields are refused, values are converted
 * to the DTO's types, and the first broken rule of a field is reported. HTTP routes use it as
 * the global pipe; the WebSocket gateway runs the same pipe on each message.
 */
export const requestValidation = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  stopAtFirstError: true,
});

/** A plain object validated as `dto` by {@link requestValidation}; throws its `BadRequestException`. */
export function validateAs<T extends object>(dto: new () => T, plain: object): Promise<T> {
  return requestValidation.transform(plain, { type: 'body', metatype: dto });
}
