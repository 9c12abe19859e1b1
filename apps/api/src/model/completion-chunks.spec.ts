import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { readCompletionChunks } from './completion-chunks';

const chunk = (content: string) => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 0,
  model: 'm',
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
});
const event = (data: unknown) =>
  `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

/** A streamed body cut into pieces of `size` bytes, wherever they fall (mid-event, mid-character). */
function responseOf(body: string, size = 7): Response {
  const bytes = new TextEncoder().encode(body);
  return new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += size)
          controller.enqueue(bytes.subarray(i, i + size));
        controller.close();
      },
    }),
    { headers: { 'content-type': 'text/event-stream' } },
  );
}

async function contentsOf(response: Response): Promise<string[]> {
  const seen: string[] = [];
  await readCompletionChunks(response, (c: ChatCompletionChunk) =>
    seen.push(c.choices[0].delta.content ?? ''),
  );
  return seen;
}

describe('readCompletionChunks', () => {
  const words = ['Café ', 'naïve ', '😀 ', '"quoted"\n', 'back\\slash'];

  it.each([1, 3, 7, 4096])(
    'gives every chunk in order, whole, with reads of %i bytes',
    async (size) => {
      const body = words.map((w) => event(chunk(w))).join('') + event('[DONE]');
      expect(await contentsOf(responseOf(body, size))).toEqual(words);
    },
  );

  it('stops at [DONE] and ignores comments and blank keep-alives', async () => {
    const body = `: keep-alive\n\n${event(chunk('a'))}\n${event('[DONE]')}${event(chunk('late'))}`;
    expect(await contentsOf(responseOf(body))).toEqual(['a']);
  });

  it("throws the SDK's APIError for an error sent in the stream", async () => {
    const body =
      event(chunk('a')) + event({ error: { message: 'overloaded', type: 'server_error' } });
    await expect(contentsOf(responseOf(body))).rejects.toBeInstanceOf(OpenAI.APIError);
  });

  it("throws the SDK's APIError for an `error` event", async () => {
    const body = `event: error\ndata: ${JSON.stringify({ error: { message: 'bad' }, message: 'bad' })}\n\n`;
    await expect(contentsOf(responseOf(body))).rejects.toBeInstanceOf(OpenAI.APIError);
  });

  it('throws what JSON.parse throws for a garbled chunk', async () => {
    await expect(contentsOf(responseOf(event('{"choices": [')))).rejects.toBeInstanceOf(
      SyntaxError,
    );
  });
});
