import { InjectionToken } from '@angular/core';

/** Origin of the chat API; empty means the portal's own origin (the API serves the portal). */
export const API_BASE_URL = new InjectionToken<string>('API_BASE_URL', {
  providedIn: 'root',
  factory: () => '',
});

/**
 * The `fetch` the portal talks to the network with. Streams are read with fetch rather than
 * HttpClient because the reply must be consumed byte by byte and resumed with a header.
 */
export const FETCH = new InjectionToken<typeof fetch>('FETCH', {
  providedIn: 'root',
  factory: () => globalThis.fetch.bind(globalThis),
});
