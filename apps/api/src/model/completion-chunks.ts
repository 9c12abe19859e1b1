import { createParser } from 'eventsource-parser';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { readBodyDirectly } from './node-http-fetch';

/**
 * Reads a streamed chat completion's body, as the SDK's `create({ stream: true })` answered it,
 * and calls `onChunk` for every chunk, with the SDK's own rules: `[DONE]` ends the stream, and an
 * `error` in the stream is thrown as the SDK's `APIError`. The SSE format is parsed by
 * `eventsource-parser`, one callback per event, rather than by the SDK's `Stream`, whose three
 * nested async generators, two copies and a promise per event were a large share of the API's CPU
 * when streams were many (docs/performance-log.md). A body from our own `fetch` is read straight
 * from the socket's stream (`readBodyDirectly`), any other through its web stream. Everything
 * else — the request, its headers and key, HTTP errors as `APIError`s — stays the SDK's.
 *
 * Resolves when the body ends; rejects with what reading or parsing it threw (an `AbortError`
 * when the call was aborted).
 */
export async function readCompletionChunks(
  response: Response,
  onChunk: (chunk: ChatCompletionChunk) => void,
): Promise<void> {
  if (!response.body)
    throw new OpenAI.OpenAIError('The model answered a streamed call with no body.');
  let done = false;
  let failure: unknown;
  const parser = createParser({
    onEvent({ event, data }) {
      if (done || failure !== undefined) return;
      if (data.startsWith('[DONE]')) {
        done = true;
        return;
      }
      try {
        const parsed = JSON.parse(data) as ChatCompletionChunk & {
          error?: object;
          message?: string;
        };
        if (event === 'error') {
          failure = new OpenAI.APIError(undefined, parsed.error, parsed.message, undefined);
        } else if (parsed.error) {
          failure = new OpenAI.APIError(undefined, parsed.error, undefined, response.headers);
        } else {
          onChunk(parsed);
        }
      } catch (error) {
        failure = error;
      }
    },
  });
  const decoder = new TextDecoder();
  // Read to the end of the body, as the SDK does, even after `[DONE]`: a body read to its end
  // leaves the connection to the keep-alive pool, a cancelled one closes it.
  const direct = readBodyDirectly(response, (bytes) => {
    parser.feed(decoder.decode(bytes, { stream: true }));
    if (failure !== undefined) throw failure;
  });
  if (direct) return direct;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) return;
      parser.feed(decoder.decode(value, { stream: true }));
      if (failure !== undefined) throw failure;
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    throw error;
  }
}
