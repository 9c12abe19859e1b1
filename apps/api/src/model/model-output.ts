import type { DoneEvent, TokenUsage, TranscriptMessage } from '@chat/contracts';
import type { AssistantProfileDefinition } from '../profile/assistant-profile';

/** One message of a conversation, as the model, the lead extractors and the demo model read it. */
/**
 * One message as the model reads it: a staff member's is the business speaking, so it is the
 * assistant's side of the conversation, signed (`modelTurn`).
 */
export interface ConversationTurn {
  role: Exclude<TranscriptMessage['role'], 'staff'>;
  content: string;
}

/** How a model call finished; a cancel is the turn's doing, never the model's. */
export type ModelFinishReason = Exclude<DoneEvent['finish_reason'], 'cancelled'>;

/** What the model produces for one reply: text deltas, then how it finished. */
export type ModelOutput =
  | { kind: 'delta'; content: string }
  | { kind: 'finish'; finishReason: ModelFinishReason; usage?: TokenUsage };

/** A passage of the assistant's knowledge given to the model for a turn. */
export interface KnowledgePassage {
  title: string;
  heading: string | null;
  content: string;
}

export interface ReplyRequest {
  systemPrompt: string;
  /** Data for the model (the visitor's collected details), sent as a message of its own after the instructions. */
  data?: string;
  conversation: readonly ConversationTurn[];
  /** The assistant answering (its version's definition), for the demo model (see `replyContext`). */
  assistant?: AssistantProfileDefinition;
  /** The passages the system prompt gives, for the demo model, which answers from them too. */
  passages?: readonly KnowledgePassage[];
}
