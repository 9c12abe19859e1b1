import type { AssistantProfileDefinition } from '../../profile/assistant-profile';
import type { ConversationTurn, ModelFinishReason } from '../model-output';
import {
  chunkJson,
  completionJson,
  countTokens,
  errorResponse,
  splitIntoWords,
  usageChunkJson,
  type DemoUsage,
} from './demo-completion';
import { replyContext } from '../reply-assistant';
import type { DemoLeadReader } from './demo-lead-reader';
import { demoReply } from './demo-reply';

/** The demo model's base URL; `.invalid` can never resolve, so nothing leaves the process. */
export const DEMO_MODEL_BASE_URL = 'http://demo-model.invalid/v1';

export interface DemoModelOptions {
  /** The assistant it answers as when a call names none (`replyContext`). */
  profile: AssistantProfileDefinition;
  /** What it knows of the visitor's details, to acknowledge them and ask for the next. */
  leadReader: DemoLeadReader;
  /** The lead reader of another assistant a call answers as. */
  leadReaderFor?: (profile: AssistantProfileDefinition) => DemoLeadReader;
  /** Pause between two streamed words (ms); 0 streams as fast as the reader reads. */
  wordDelayMs: number;
}

interface ChatCompletionBody {
  messages?: { role?: string; content?: unknown }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
}

/**
 * A `fetch` that answers OpenAI Chat Completions requests with the offline demo model. Given
 * to the real `openai` SDK client (`new OpenAI({ fetch })`), it lets the SDK's own request and
 * streaming code run with no network and no key.
 */
export function createDemoModelFetch(options: DemoModelOptions): typeof fetch {
  let completions = 0;
  // A version's definition is one object for the process's life (the assistants' cache).
  const readers = new WeakMap<AssistantProfileDefinition, DemoLeadReader>([
    [options.profile, options.leadReader],
  ]);
  const answeringAs = (): { profile: AssistantProfileDefinition; leadReader: DemoLeadReader } => {
    const profile = replyContext.getStore()?.assistant;
    if (!profile || !options.leadReaderFor) return options;
    let leadReader = readers.get(profile);
    if (!leadReader) {
      leadReader = options.leadReaderFor(profile);
      readers.set(profile, leadReader);
    }
    return { profile, leadReader };
  };
  return async (input, init) => {
    const { profile, leadReader } = answeringAs();
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    signal?.throwIfAborted();
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const method = (
      init?.method ?? (input instanceof Request ? input.method : 'GET')
    ).toUpperCase();
    if (method !== 'POST' || !url.pathname.endsWith('/chat/completions')) {
      return errorResponse(
        404,
        `The demo model only serves POST /chat/completions, not ${method} ${url.pathname}`,
        'not_found',
      );
    }

    let body: ChatCompletionBody;
    try {
      const text =
        init?.body !== undefined
          ? await new Response(init.body).text()
          : await (input as Request).text();
      body = JSON.parse(text) as ChatCompletionBody;
    } catch {
      return errorResponse(400, 'The request body is not valid JSON', 'invalid_json');
    }
    if (!Array.isArray(body.messages))
      return errorResponse(400, '`messages` must be an array', 'invalid_request');

    const conversation = toConversation(body.messages);
    const reply = demoReply(profile, leadReader, conversation, replyContext.getStore()?.passages);
    const limit = body.max_completion_tokens ?? body.max_tokens ?? undefined;
    const { words, finish } = limitWords(splitIntoWords(reply), limit);
    const usage: DemoUsage = {
      prompt_tokens: body.messages.reduce(
        (sum, message) => sum + countTokens(contentText(message.content)),
        0,
      ),
      completion_tokens: words.length,
      total_tokens: 0,
    };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;

    completions += 1;
    const id = `chatcmpl-demo-${completions}`;
    const created = Math.floor(Date.now() / 1000);
    if (!body.stream)
      return Response.json(completionJson(id, created, words.join(''), finish, usage));

    const events = [
      chunkJson(id, created, { role: 'assistant', content: '' }),
      ...words.map((word) => chunkJson(id, created, { content: word })),
      chunkJson(id, created, {}, finish),
      ...(body.stream_options?.include_usage ? [usageChunkJson(id, created, usage)] : []),
    ];
    return new Response(sseStream(events, words.length, options.wordDelayMs, signal ?? undefined), {
      status: 200,
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
    });
  };
}

/** User and assistant turns with their text; system and tool messages are not part of the conversation. */
function toConversation(messages: NonNullable<ChatCompletionBody['messages']>): ConversationTurn[] {
  return messages
    .filter((message) => message.role === 'user' || message.role === 'assistant')
    .map((message) => ({
      role: message.role as ConversationTurn['role'],
      content: contentText(message.content),
    }));
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) =>
      part && typeof part === 'object' && typeof part.text === 'string' ? part.text : '',
    )
    .join('');
}

function limitWords(
  words: string[],
  limit: number | undefined,
): { words: string[]; finish: ModelFinishReason } {
  return limit !== undefined && limit > 0 && words.length > limit
    ? { words: words.slice(0, limit), finish: 'length' }
    : { words, finish: 'stop' };
}

/**
 * The events as Server-Sent Events (a role chunk, one chunk per word, the finish chunk...), one
 * word every `delayMs`. An abort of `signal` stops the timer and errors the body with an
 * AbortError, as a real fetch does.
 */
function sseStream(
  events: object[],
  wordCount: number,
  delayMs: number,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const frames = [
    ...events.map((event) => `data: ${JSON.stringify(event)}\n\n`),
    'data: [DONE]\n\n',
  ];
  let next = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let onAbort: (() => void) | undefined;
  const stop = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      onAbort = () => {
        stop();
        controller.error(abortReason(signal));
        wake?.();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    },
    async pull(controller) {
      // The role chunk and the first word go out at once, like a model's first token; the
      // pause comes before each following word.
      if (delayMs > 0 && next >= 2 && next <= wordCount) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, delayMs);
        });
        timer = undefined;
        wake = undefined;
        if (signal?.aborted) return;
      }
      controller.enqueue(encoder.encode(frames[next]));
      next += 1;
      if (next === frames.length) {
        stop();
        controller.close();
      }
    },
    cancel() {
      stop();
      wake?.();
    },
  });
}

function abortReason(signal: AbortSignal | undefined): unknown {
  const reason: unknown = signal?.reason;
  return reason instanceof Error && reason.name === 'AbortError'
    ? reason
    : new DOMException('This operation was aborted', 'AbortError');
}
