import type { MessageEvent } from '@nestjs/common';
import { SseStream } from './nest-sse-stream';
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
