import type { TokenUsage } from '@chat/contracts';
import { DEMO_MODEL_NAME } from '../../config/model.config';
import type { ModelFinishReason } from '../model-output';

/*
 * The demo model's answers in the OpenAI Chat Completions wire format, so that the real SDK
 * parses them exactly as it parses a provider's.
 */

/** Usage as the Chat Completions wire carries it: the protocol's counts and their total. */
export type DemoUsage = TokenUsage & { total_tokens: number };

/** The reply cut into words, each keeping the spaces and newlines after it, so they join back exactly. */
export function splitIntoWords(reply: string): string[] {
  return reply.match(/\s+|\S+\s*/g) ?? [];
}

/** A rough token count: words and punctuation runs. Deterministic, which is all the demo needs. */
export function countTokens(text: string): number {
  return text.match(/\w+|[^\w\s]+/g)?.length ?? 0;
}

export function completionJson(
  id: string,
  created: number,
  content: string,
  finish: ModelFinishReason,
  usage: DemoUsage,
) {
  return {
    id,
    object: 'chat.completion',
    created,
    model: DEMO_MODEL_NAME,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        logprobs: null,
        finish_reason: finish,
      },
    ],
    usage,
  };
}

export function chunkJson(
  id: string,
  created: number,
  delta: { role?: 'assistant'; content?: string },
  finish: ModelFinishReason | null = null,
) {
  return {
    id,
    object: 'chat.completion.chunk',
    created,
    model: DEMO_MODEL_NAME,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
}

export function usageChunkJson(id: string, created: number, usage: DemoUsage) {
  return {
    id,
    object: 'chat.completion.chunk',
    created,
    model: DEMO_MODEL_NAME,
    choices: [],
    usage,
  };
}

/** OpenAI's error body, for requests the demo model does not serve. */
export function errorResponse(status: number, message: string, code: string): Response {
  return Response.json(
    { error: { message, type: 'invalid_request_error', param: null, code } },
    { status },
  );
}
