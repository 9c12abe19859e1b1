import { type HttpInterceptorFn, provideHttpClient, withInterceptors, withRequestsMadeViaParent } from '@angular/common/http';
import { type EnvironmentProviders, inject } from '@angular/core';
import { tap } from 'rxjs';
import { StaffAuth } from './staff-auth';
import { isSessionEnded } from './staff-error';

/** A staff call refused with 401 (outside sign-in itself) means the session is over: back to sign-in. */
export const staffSessionInterceptor: HttpInterceptorFn = (request, next) => {
  const auth = inject(StaffAuth);
  return next(request).pipe(
    tap({
      error: (error: unknown) => {
        if (isSessionEnded(error) && !request.url.startsWith('/api/auth/')) auth.ended();
      },
    }),
  );
};

/**
 * The staff area's HttpClient: the portal's own (fetch, errors as `ApiRequestError`, Angular's
 * XSRF header on state-changing calls), with a 401 ending the staff session. Its calls use
 * relative URLs: the session cookie and the XSRF token belong to the portal's own origin.
 */
export function provideStaffHttp(): EnvironmentProviders {
  return provideHttpClient(withInterceptors([staffSessionInterceptor]), withRequestsMadeViaParent());
}
