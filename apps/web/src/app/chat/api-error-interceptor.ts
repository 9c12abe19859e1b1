import {
  HttpErrorResponse,
  type HttpInterceptorFn,
  provideHttpClient,
  withFetch,
  withInterceptors,
} from '@angular/common/http';
import type { EnvironmentProviders } from '@angular/core';
import { catchError, throwError } from 'rxjs';
import { ApiRequestError } from './chat-error';

/**
 * Turns a failed REST call into an `ApiRequestError` (the contract's error code, whether a retry
 * may help, and when), so that callers handle one kind of error whatever the transport said.
 */
export const apiErrorInterceptor: HttpInterceptorFn = (request, next) =>
  next(request).pipe(
    catchError((error: unknown) =>
      throwError(() =>
        error instanceof HttpErrorResponse
          ? ApiRequestError.fromBody(error.status, error.error, error.headers.get('Retry-After'))
          : error,
      ),
    ),
  );

/** HttpClient as the chat API uses it: fetch underneath, failures as `ApiRequestError`. */
export function provideChatHttp(): EnvironmentProviders {
  return provideHttpClient(withFetch(), withInterceptors([apiErrorInterceptor]));
}
