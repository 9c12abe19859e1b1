import type { ErrorCode } from './errors';
import type { SourceReference } from './knowledge';
import type { LeadState } from './lead';

/**
 * How a reply ended: the model stopped, hit its token limit, the client cancelled it, or a person
 * holds the conversation (`handoff`: the model was not called; the message went to staff).
 */
export const FINISH_REASONS = ['stop', 'length', 'cancelled', 'handoff'] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** First event of every stream. `model` is `demo` for the offline demo model. */
export interface StartEvent {
  type: 'start';
  session_id: string;
  message_id: string;
  stream_id: string;
  model: string;
  /** The assistant the session is pinned to, and its published version the session runs (0: the draft, in a preview). */
  assistant_id: string;
  assistant_version: number;
  /** A preview of the draft: never a lead (PROTOCOL.md, Assistants). */
  preview?: true;
  /**
   * The session's secret, on the turn that created the session only: every later call that
   * names the session or one of its streams must send it (`X-Session-Token`).
   */
  session_token?: string;
}

/** A piece of the assistant's reply, in order. */
export interface ChunkEvent {
  type: 'chunk';
  content: string;
}

/** The reply is complete and data extraction has run. */
export interface DoneEvent extends LeadState {
  type: 'done';
  message_id: string;
  finish_reason: FinishReason;
  usage?: TokenUsage;
}

/** The reply failed; no further `chunk` follows. */
export interface ErrorEvent {
  type: 'error';
  message: string;
  code: ErrorCode;
  retryable: boolean;
}

/** The lead notification email was accepted by the mail server (or written to the outbox). */
export interface EmailSentEvent {
  type: 'email_sent';
  message: string;
}

/** The passages of the assistant's knowledge the reply was given (PROTOCOL.md, Knowledge); before `done`. */
export interface SourcesEvent {
  type: 'sources';
  sources: SourceReference[];
}

/** Every event of a chat stream, discriminated by `type`. */
export type ChatEvent =
  StartEvent | ChunkEvent | SourcesEvent | DoneEvent | ErrorEvent | EmailSentEvent;

/** Events after which a stream has nothing more to say about the reply. */
export function isTerminalEvent(event: ChatEvent): event is DoneEvent | ErrorEvent {
  return event.type === 'done' || event.type === 'error';
}
