import type { ChatEvent } from './events';
import type { MessageAuthor, TranscriptMessage } from './requests';

/**
 * People in the conversation (PROTOCOL.md v3): the visitor's live channel, asking for a person,
 * and the staff's Conversations view.
 */

/** Who answers the visitor: the assistant, nobody yet (a person was asked for), or a person. */
export const HANDOFF_STATES = ['assistant', 'requested', 'human'] as const;
export type HandoffState = (typeof HANDOFF_STATES)[number];

/** Why a request for a person waits with nobody to take it now. */
export const HANDOFF_UNAVAILABLE_REASONS = ['offline', 'closed'] as const;
export type HandoffUnavailableReason = (typeof HANDOFF_UNAVAILABLE_REASONS)[number];

/** Where a session's handoff stands, as the visitor sees it. */
export interface HandoffStatus {
  state: HandoffState;
  /** The person who holds the conversation (`human`). */
  agent?: MessageAuthor;
  /**
   * While `requested`: `false` when nobody can take it now (nobody online, or outside the
   * assistant's hours: `reason`), so the visitor is asked for an email to be followed up.
   */
  available?: boolean;
  reason?: HandoffUnavailableReason;
}

/** A message written between turns (a staff member's), or a visitor's as staff watch it. */
export interface TranscriptMessageEvent {
  type: 'message';
  message: TranscriptMessage;
}

/** The conversation changed hands. */
export interface HandoffEvent extends HandoffStatus {
  type: 'handoff';
}

/** Someone is writing: staff to the visitor, the visitor to staff. Lasts a few seconds unless repeated. */
export interface TypingEvent {
  type: 'typing';
  role: 'staff' | 'user';
}

/** Every event of a session's live channel (`GET /chat/sessions/{id}/events`): its turns, and what happens between them. */
export type SessionEvent = ChatEvent | TranscriptMessageEvent | HandoffEvent | TypingEvent;

/** The longest staff message, and the longest a visitor's typing note may be apart. */
export const STAFF_MESSAGE_MAX_LENGTH = 4000;

/** Answer of `POST /chat/sessions/{id}/handoff`. */
export type HandoffReply = HandoffStatus;

/** Body of `POST /conversations/{session_id}/messages`. */
export interface StaffMessageRequest {
  content: string;
}

/** A conversation as the staff's Conversations view lists it. */
export interface ConversationSummary {
  /** The stored session id (the one leads name). */
  session_id: string;
  assistant_id: string;
  state: HandoffState;
  /** The staff member who holds it (`human`): name and email. */
  holder: StaffRef | null;
  /** While `requested`: the online staff member it was offered to (round robin), if any. */
  assignee: StaffRef | null;
  requested_at: string | null;
  /** A generation is running for it right now. */
  replying: boolean;
  /** The last message, cut to 200 characters. */
  last_message: Pick<TranscriptMessage, 'role' | 'content' | 'created_at'> | null;
  message_count: number;
  /** The lead it collected, if any: its id and a label (a name or an email). */
  lead: { id: string; label: string | null } | null;
  created_at: string;
  updated_at: string;
}

export interface StaffRef {
  name: string;
  email: string;
}

/** Answer of `GET /conversations`. */
export interface ConversationPage {
  conversations: ConversationSummary[];
}

/** Answer of `GET /conversations/{session_id}`. */
export interface ConversationDetail extends ConversationSummary {
  messages: TranscriptMessage[];
  active_stream: { stream_id: string; message_id: string } | null;
}

/** What `GET /conversations?state=` selects: every recent one (`live`), or by handoff state. */
export const CONVERSATION_FILTERS = ['live', 'requested', 'human'] as const;
export type ConversationFilter = (typeof CONVERSATION_FILTERS)[number];

/** The staff's feed (`GET /conversations/events`). */
export type ConversationFeedEvent =
  | { type: 'conversation'; conversation: ConversationSummary }
  | { type: 'conversation_erased'; session_id: string };
