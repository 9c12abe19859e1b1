import { FINISH_REASONS } from './events';
import type { LeadEmailStatus, LeadFieldDescriptor, LeadState } from './lead';
import type { SourceReference } from './knowledge';
import type { HandoffStatus } from './conversations';

/** Limits of the protocol's defaults; a server may be configured tighter or looser. */
export const DEFAULT_MESSAGE_MAX_LENGTH = 4000;
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** An assistant's id (PROTOCOL.md, Assistants). */
export const ASSISTANT_ID_PATTERN = /^[a-z0-9-]{1,64}$/;

/** Body of `POST /chat/stream` and `POST /chat`. */
export interface ChatRequest {
  /** Required unless `regenerate`, which ignores it. */
  message?: string;
  session_id?: string;
  /**
   * Answers the session's last user message again: the new reply replaces the old one (and
   * anything after it) once it completes. Needs `session_id`.
   */
  regenerate?: boolean;
  /**
   * The assistant to talk to; the default assistant without it. A session keeps the assistant
   * (and the version) it started with: naming another one later is refused.
   */
  assistant_id?: string;
  /**
   * Runs the assistant's saved draft instead of its published version, for staff trying it
   * before publishing: only with an admin's staff cookie and CSRF header, on `POST /chat/stream`
   * and `POST /chat`. The session is a preview: never a lead, notifying no one, and continued
   * only by calls that are previews too.
   */
  preview?: boolean;
  /**
   * What a host site knows of its signed-in visitor (the widget's `identify`): taken as collected
   * only with `user_hash`, the hex HMAC-SHA256 of `email` under the assistant's identity secret.
   */
  identity?: VisitorIdentity;
}

/** A host site's signed-in visitor (PROTOCOL.md, Website widget: `identify`). */
export interface VisitorIdentity {
  name?: string;
  email?: string;
  user_hash?: string;
}

/** The header that proves a caller owns a session (the `session_token` its first turn answered). */
export const SESSION_TOKEN_HEADER = 'X-Session-Token';

/** Answer of the non-streaming `POST /chat`. */
export interface ChatReply extends LeadState {
  session_id: string;
  message_id: string;
  reply: string;
  email_sent: boolean;
  /** As in `start`: on the turn that created the session only. */
  session_token?: string;
}

/** Who wrote a message: the visitor, the assistant, or a member of the staff (PROTOCOL.md, People in the conversation). */
export const TRANSCRIPT_ROLES = ['user', 'assistant', 'staff'] as const;
export type TranscriptRole = (typeof TRANSCRIPT_ROLES)[number];

/** How a stored assistant reply ended: a reply's finish reason, or `error` for one that failed. */
export const TRANSCRIPT_FINISH_REASONS = [...FINISH_REASONS, 'error'] as const;
export type TranscriptFinishReason = (typeof TRANSCRIPT_FINISH_REASONS)[number];

export interface TranscriptMessage {
  id: string;
  role: TranscriptRole;
  content: string;
  created_at: string;
  /** For staff messages: who wrote it, as the visitor sees them. */
  author?: MessageAuthor;
  /** For assistant messages: how the reply ended (`cancelled` replies keep what was streamed). */
  finish_reason?: TranscriptFinishReason;
  /** For assistant messages: the passages of the assistant's knowledge the reply was given, as its `sources` event named them. */
  sources?: SourceReference[];
}

/** A staff member as a visitor sees them: a display name, never an email. */
export interface MessageAuthor {
  name: string;
}

/** A generation still running for a session, for a client to re-attach to after a reload. */
export interface ActiveStream {
  stream_id: string;
  message_id: string;
}

/** Answer of `GET /chat/sessions/{session_id}`. */
export interface SessionTranscript extends LeadState {
  session_id: string;
  messages: TranscriptMessage[];
  email_status: LeadEmailStatus;
  active_stream: ActiveStream | null;
  /** Who answers the visitor now: the assistant, nobody yet (a person was asked for) or a person. */
  handoff: HandoffStatus;
}

/** Answer of `GET /chat/profile`: what the assistant is and collects. */
export interface AssistantProfile {
  name: string;
  greeting: string;
  model: string;
  demo: boolean;
  fields: LeadFieldDescriptor[];
  /** What the assistant collects and why, shown beside the visitor's details. */
  privacy_notice?: string;
  /** The business's privacy policy. */
  privacy_url?: string;
}

/** Answer of `POST /chat/streams/{stream_id}/cancel`. */
export interface CancelReply {
  stream_id: string;
  cancelled: boolean;
}

/** What a WebSocket client sends on `/api/chat/ws`; the server answers with `ChatEvent` objects. */
export type WsClientMessage =
  | ({ type: 'message'; session_token?: string } & ChatRequest)
  | { type: 'cancel'; stream_id: string; session_token?: string };
