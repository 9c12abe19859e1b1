import type { MessageEvent } from '@nestjs/common';
import { SseStream } from '@nestjs/core/router/sse-stream';
import { eventAlignedFetch } from '../../model/event-aligned-fetch';
import { frameMessageEvent } from './sse-frame';

/** What Nest's own writer makes of `message` (without the blank line it writes after the headers). */
function nestFrame(message: MessageEvent): Promise<string> {
  const stream = new SseStream();
  return new Promise((resolve) => {
    stream.once('data', (data: string) => resolve(data));
    stream.write({ ...message });
  });
}

describe('frameMessageEvent', () => {
  const messages: MessageEvent[] = [
    { id: '1', data: '{"type":"chunk","content":"a \\"b\\" ✓ 📈"}' },
    { id: '12', data: 'two\nlines\r\nand\rthree' },
    { comment: 'ping' } as MessageEvent,
    { type: 'error', data: 'Internal server error' },
    { id: '3', data: { type: 'done' } } as unknown as MessageEvent,
    { id: 'x\ny', retry: 1000, data: '' },
  ];

  it.each(messages)('frames %j byte for byte as Nest does', async (message) => {
    expect(frameMessageEvent(message)).toBe(await nestFrame(message));
  });
});

describe('eventAlignedFetch', () => {
  const events =
    Array.from({ length: 50 }, (_, i) => `data: {"n":${i},"text":"é ✓"}\n\n`).join('') +
    'data: [DONE]\n\n';

  async function piecesOf(body: string, contentType: string): Promise<string[]> {
    const bytes = new TextEncoder().encode(body);
    const inner = async () =>
      new Response(
        new ReadableStream({
          start: (c) => (c.enqueue(bytes.subarray(0, 7)), c.enqueue(bytes.subarray(7)), c.close()),
        }),
        {
          headers: { 'content-type': contentType },
        },
      );
    const response = await eventAlignedFetch(inner as unknown as typeof fetch)(
      'http://upstream.invalid/',
    );
    const pieces: string[] = [];
    const decoder = new TextDecoder();
    for await (const piece of response.body as unknown as AsyncIterable<Uint8Array>)
      pieces.push(decoder.decode(piece, { stream: true }));
    return pieces;
  }

  it('hands an event stream over one event at a time, every byte unchanged', async () => {
    const pieces = await piecesOf(events, 'text/event-stream; charset=utf-8');
    expect(pieces.join('')).toBe(events);
    expect(pieces.length).toBeGreaterThanOrEqual(51);
    expect(pieces.slice(1).every((piece) => piece.endsWith('\n\n'))).toBe(true);
  });

  it('leaves other bodies alone', async () => {
    expect(await piecesOf('{"a":1}\n\n{"b":2}', 'application/json')).toEqual([
      '{"a":1}',
      '\n\n{"b":2}',
    ]);
  });
});
