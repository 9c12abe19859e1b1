import { inject, Injectable } from '@angular/core';
import {
  type AssistantProfile,
  type CancelReply,
  type ChatRequest,
  type HandoffReply,
  type PublicAssistant,
  SESSION_TOKEN_HEADER,
  type SessionTranscript,
} from '@chat/contracts';
import { API_BASE_URL, FETCH } from './api-config';
import { ApiRequestError, chatError } from './chat-error';
import { CHAT_REST } from './chat-rest';

/**
 * The chat API's HTTP endpoints (PROTOCOL.md, "Endpoints"). Non-2xx answers throw `ApiRequestError`.
 * The JSON calls go through `CHAT_REST` (HttpClient in the portal, errors mapped by
 * `apiErrorInterceptor`); the streams use fetch, whose body can be read as it arrives.
 */
@Injectable({ providedIn: 'root' })
export class ChatApi {
  private readonly baseUrl = inject(API_BASE_URL);
  private readonly fetch = inject(FETCH);
  private readonly rest = inject(CHAT_REST);

  /** Starts a reply; the response body is the SSE stream. `sessionToken`: the session's, unless it is new. */
  openStream(
    request: ChatRequest,
    sessionToken: string | null,
    signal: AbortSignal,
  ): Promise<Response> {
    return this.send('/api/chat/stream', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'text/event-stream',
        ...tokenHeader(sessionToken),
      },
      body: JSON.stringify(request),
      signal,
    });
  }

  /** Re-attaches to a running or recently finished reply, after the event with id `lastEventId`. */
  resumeStream(
    streamId: string,
    lastEventId: number,
    sessionToken: string | null,
    signal: AbortSignal,
  ): Promise<Response> {
    return this.send(`/api/chat/streams/${encodeURIComponent(streamId)}/events`, {
      headers: {
        Accept: 'text/event-stream',
        'Last-Event-ID': String(lastEventId),
        ...tokenHeader(sessionToken),
      },
      signal,
    });
  }

  /**
   * Opens the session's live channel (staff messages, handoff changes, typing, the session's
   * turns), after the event with id `lastEventId` when resuming.
   */
  openSessionEvents(
    sessionId: string,
    lastEventId: string | null,
    sessionToken: string,
    signal: AbortSignal,
  ): Promise<Response> {
    return this.send(`/api/chat/sessions/${encodeURIComponent(sessionId)}/events`, {
      headers: {
        Accept: 'text/event-stream',
        ...(lastEventId !== null && { 'Last-Event-ID': lastEventId }),
        ...tokenHeader(sessionToken),
      },
      signal,
    });
  }

  /** Asks for a person to take the conversation; answers where the handoff stands. */
  requestHandoff(sessionId: string, sessionToken: string): Promise<HandoffReply> {
    return this.rest.post<HandoffReply>(
      `${this.baseUrl}/api/chat/sessions/${encodeURIComponent(sessionId)}/handoff`,
      tokenHeader(sessionToken),
    );
  }

  cancelStream(streamId: string, sessionToken: string | null): Promise<CancelReply> {
    return this.rest.post<CancelReply>(
      `${this.baseUrl}/api/chat/streams/${encodeURIComponent(streamId)}/cancel`,
      tokenHeader(sessionToken),
    );
  }

  /** The transcript of a session, or `null` when the server does not know it. */
  async getSession(
    sessionId: string,
    sessionToken: string | null,
  ): Promise<SessionTranscript | null> {
    try {
      return await this.rest.get<SessionTranscript>(
        `${this.baseUrl}/api/chat/sessions/${encodeURIComponent(sessionId)}`,
        tokenHeader(sessionToken),
      );
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 404) return null;
      throw error;
    }
  }

  /** The default assistant's description. */
  getProfile(): Promise<AssistantProfile> {
    return this.rest.get<AssistantProfile>(`${this.baseUrl}/api/chat/profile`, {});
  }

  /** A published assistant's description; a 404 `ApiRequestError` when it is unknown or archived. */
  getAssistant(assistantId: string): Promise<PublicAssistant> {
    return this.rest.get<PublicAssistant>(
      `${this.baseUrl}/api/assistants/${encodeURIComponent(assistantId)}`,
      {},
    );
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await this.fetch(`${this.baseUrl}${path}`, { cache: 'no-store', ...init });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new ApiRequestError(0, chatError('network_error'));
    }
    if (!response.ok) throw await ApiRequestError.from(response);
    return response;
  }
}

/** The session token's header, when there is a token to send. */
function tokenHeader(sessionToken: string | null): Record<string, string> {
  return sessionToken ? { [SESSION_TOKEN_HEADER]: sessionToken } : {};
}
