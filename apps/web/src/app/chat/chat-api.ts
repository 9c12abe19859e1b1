import { inject, Injectable } from '@angular/core';
import type { AssistantProfile, CancelReply, ChatRequest, SessionTranscript } from '@chat/contracts';
import { API_BASE_URL, FETCH } from '../api-config';
import { ApiRequestError, chatError } from './chat-error';

/** The chat API's HTTP endpoints (PROTOCOL.md, "Endpoints"). Non-2xx answers throw `ApiRequestError`. */
@Injectable({ providedIn: 'root' })
export class ChatApi {
  private readonly baseUrl = inject(API_BASE_URL);
  private readonly fetch = inject(FETCH);

  /** Starts a reply; the response body is the SSE stream. */
  openStream(request: ChatRequest, signal: AbortSignal): Promise<Response> {
    return this.send('/api/chat/stream', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify(request),
      signal,
    });
  }

  /** Re-attaches to a running or recently finished reply, after the event with id `lastEventId`. */
  resumeStream(streamId: string, lastEventId: number, signal: AbortSignal): Promise<Response> {
    return this.send(`/api/chat/streams/${encodeURIComponent(streamId)}/events`, {
      headers: { Accept: 'text/event-stream', 'Last-Event-ID': String(lastEventId) },
      signal,
    });
  }

  async cancelStream(streamId: string): Promise<CancelReply> {
    const response = await this.send(`/api/chat/streams/${encodeURIComponent(streamId)}/cancel`, { method: 'POST' });
    return response.json();
  }

  /** The transcript of a session, or `null` when the server does not know it. */
  async getSession(sessionId: string, signal?: AbortSignal): Promise<SessionTranscript | null> {
    try {
      const response = await this.send(`/api/chat/sessions/${encodeURIComponent(sessionId)}`, { signal });
      return await response.json();
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 404) return null;
      throw error;
    }
  }

  async getProfile(signal?: AbortSignal): Promise<AssistantProfile> {
    const response = await this.send('/api/chat/profile', { signal });
    return response.json();
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
