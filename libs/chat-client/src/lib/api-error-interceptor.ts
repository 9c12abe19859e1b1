import {
  HttpClient,
  HttpErrorResponse,
  type HttpInterceptorFn,
  provideHttpClient,
  withFetch,
  withInterceptors,
} from '@angular/common/http';
import { type EnvironmentProviders, inject, makeEnvironmentProviders } from '@angular/core';
import { catchError, firstValueFrom, throwError } from 'rxjs';
import { ApiRequestError } from './chat-error';
import { CHAT_REST, type ChatRest } from './chat-rest';

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

/**
 * HttpClient as the portal uses it: fetch underneath, failures as `ApiRequestError`. Angular's
 * XSRF protection stays on (its default): a state-changing same-origin call echoes the
 * `XSRF-TOKEN` cookie as `X-XSRF-TOKEN`, which the staff area's calls need.
 */
export function provideChatHttp(): EnvironmentProviders {
  return makeEnvironmentProviders([
    provideHttpClient(withFetch(), withInterceptors([apiErrorInterceptor])),
    { provide: CHAT_REST, useFactory: httpClientRest },
  ]);
}

/** The chat's JSON calls through HttpClient, as the portal made them before `CHAT_REST`. */
function httpClientRest(): ChatRest {
  const http = inject(HttpClient);
  return {
    get: (url, headers) => firstValueFrom(http.get<never>(url, { cache: 'no-store', headers })),
    post: (url, headers) => firstValueFrom(http.post<never>(url, null, { headers })),
  };
}
