import { inject, InjectionToken } from '@angular/core';
import { FETCH } from './api-config';
import { ApiRequestError, chatError } from './chat-error';

/**
 * The chat API's plain JSON calls (session, description, cancel). Non-2xx answers reject with
 * `ApiRequestError`. The portal's come through HttpClient (`provideChatHttp`, for its XSRF
 * handling and interceptor); the widget's through `fetch`, which keeps HttpClient and its RxJS
 * out of the bundle a host page loads.
 */
export interface ChatRest {
  /** A GET never answered from the browser's cache. */
  get<T>(url: string, headers: Record<string, string>): Promise<T>;
  post<T>(url: string, headers: Record<string, string>): Promise<T>;
}

export const CHAT_REST = new InjectionToken<ChatRest>('CHAT_REST', {
  providedIn: 'root',
  factory: () => fetchRest(inject(FETCH)),
});

/** The chat's JSON calls over `fetch`. */
export function fetchRest(fetch: typeof globalThis.fetch): ChatRest {
  const call = async <T>(url: string, init: RequestInit): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch {
      throw new ApiRequestError(0, chatError('network_error'));
    }
    if (!response.ok) throw await ApiRequestError.from(response);
    return (await response.json()) as T;
  };
  return {
    get: (url, headers) => call(url, { headers, cache: 'no-store' }),
    post: (url, headers) => call(url, { method: 'POST', headers }),
  };
}
