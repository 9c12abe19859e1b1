import type { FinishReason, TokenUsage } from '@chat/contracts';

/** What the model produces for one reply: text deltas, then how it finished. */
export type ModelOutput =
  | { kind: 'delta'; content: string }
  | { kind: 'finish'; finishReason: Exclude<FinishReason, 'cancelled'>; usage?: TokenUsage };

export interface ReplyRequest {
  systemPrompt: string;
  conversation: ReadonlyArray<{ role: 'user' | 'assistant'; content: string }>;
}
