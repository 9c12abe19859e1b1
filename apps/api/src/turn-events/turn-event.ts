import type {
  ErrorCode,
  FinishReason,
  LeadState,
  NotificationChannel,
  TokenUsage,
} from '@chat/contracts';

/*
 * What a chat turn tells the features that hang off it (the staff feed, the webhook, the
 * metrics), typed once here. Ids are the stored ones (`sessions/session-namespace`), the lead
 * is as the visitor's `done` reports it.
 */

/** The turn was accepted: its `start` event is out and the model is about to be asked. */
export interface TurnStartedEvent {
  type: 'turn_started';
  sessionId: string;
  streamId: string;
  messageId: string;
  /** The assistant the session is pinned to (a preview's too). */
  assistantId: string;
  /** `performance.now()` when the request arrived, before the turn's first statement. */
  startedAt: number;
  /** The visitor's message the turn answers (a regenerate turn's copy), as stored. */
  prompt: { id: string; content: string; createdAt: string };
  /** A staff member's preview of a draft: no conversation for staff to see. */
  preview: boolean;
}

/** The reply's first chunk was streamed. */
export interface FirstTokenEvent {
  type: 'first_token';
  streamId: string;
}

/** The turn was committed: the lead holds what the visitor has given so far. */
export interface LeadUpdatedEvent {
  type: 'lead_updated';
  sessionId: string;
  leadId: string;
  lead: LeadState;
}

/**
 * This turn completed the lead: its notifications were queued in the outbox in the turn's
 * transaction, and this event only wakes their first attempt.
 */
export interface LeadCompletedEvent {
  type: 'lead_completed';
  sessionId: string;
  /** The assistant whose version collected the lead. */
  assistantId: string;
  leadId: string;
  lead: LeadState;
  notifications: readonly { id: string; channel: NotificationChannel }[];
}

/** How a reply that said `done` ended, and what it streamed and cost. */
interface ReplyEnd {
  sessionId: string;
  streamId: string;
  messageId: string;
  chunks: number;
  usage?: TokenUsage;
}

/** The reply was streamed to its end and committed (`done` is out). */
export interface ReplyCompletedEvent extends ReplyEnd {
  type: 'reply_completed';
  finishReason: Exclude<FinishReason, 'cancelled'>;
}

/** The client cancelled the reply; what was streamed is committed (`done` is out). */
export interface ReplyCancelledEvent extends ReplyEnd {
  type: 'reply_cancelled';
}

/** The turn failed and was discarded; the visitor is told `code`. */
export interface ReplyFailedEvent {
  type: 'reply_failed';
  sessionId: string;
  streamId: string;
  code: ErrorCode;
  chunks: number;
}

export type TurnEvent =
  | TurnStartedEvent
  | FirstTokenEvent
  | LeadUpdatedEvent
  | LeadCompletedEvent
  | ReplyCompletedEvent
  | ReplyCancelledEvent
  | ReplyFailedEvent;

export type TurnEventType = TurnEvent['type'];

/** The event of type `T`. */
export type TurnEventOf<T extends TurnEventType> = Extract<TurnEvent, { type: T }>;
