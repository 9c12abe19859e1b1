import { Injectable } from '@nestjs/common';
import { ASSISTANT_ID_PATTERN, SESSION_ID_PATTERN } from '@chat/contracts';
import { AssistantOrigins, type PageOrigin } from '../assistants/assistant-origins';
import { ApiError } from '../common/api-error';
import { storedSessionId } from '../sessions/session-namespace';
import { SessionRepository } from '../sessions/session-repository';
import { GenerationRegistry } from './generation/generation-registry';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a chat call names, from which its assistant is found: the first that is there counts. */
export interface ChatCallSubject {
  assistantId?: unknown;
  sessionId?: unknown;
  streamId?: unknown;
  /** The API key the call came with: a key's sessions have ids of their own. */
  apiKeyId?: string;
}

/**
 * A chat call from a web page (a browser sends `Origin`) must come from a page allowed to embed
 * its assistant (PROTOCOL.md, Website widget): the one it names, else its session's (or its
 * stream's session's), else the default. A page of the portal passes; so does a call with no
 * `Origin` (a server, which no visitor's browser can be made to send) and one with an API key
 * (an integration's, which its key's scopes judge). Checked on every chat
 * call and WebSocket message, so that a site taken off the list is refused within a second.
 */
@Injectable()
export class ChatPageOrigins {
  constructor(
    private readonly origins: AssistantOrigins,
    private readonly sessions: SessionRepository,
    private readonly generations: GenerationRegistry,
  ) {}

  /** `403 forbidden` unless `page` may make a call about `subject`. */
  async check(page: PageOrigin | undefined, subject: ChatCallSubject): Promise<void> {
    // A call with an API key is an integration's, judged by its key (as the socket's upgrade is).
    if (!page || subject.apiKeyId !== undefined || this.origins.isPortal(page)) return;
    const assistantId = await this.assistantOf(subject);
    if (await this.origins.allows(page, assistantId)) return;
    throw new ApiError(
      'forbidden',
      'This website may not talk to this assistant: its origin is not among the allowed ones.',
    );
  }

  private async assistantOf(subject: ChatCallSubject): Promise<string | undefined> {
    const { assistantId, sessionId, streamId, apiKeyId } = subject;
    // Ids that are not well formed are refused by the call's own validation.
    if (typeof assistantId === 'string' && ASSISTANT_ID_PATTERN.test(assistantId))
      return assistantId;
    let session: string | undefined;
    if (typeof sessionId === 'string' && SESSION_ID_PATTERN.test(sessionId)) {
      session = storedSessionId(sessionId, apiKeyId);
    } else if (typeof streamId === 'string' && UUID.test(streamId)) {
      session = (await this.generations.find(streamId))?.sessionId;
    }
    return session === undefined ? undefined : this.sessions.assistantOf(session);
  }
}
