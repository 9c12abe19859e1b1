import { type ChatEvent, parseChatEvent } from '@chat/contracts';
import { createParser } from 'eventsource-parser';

/** One protocol event with the SSE id it was framed with (needed to resume after it). */
export interface ReceivedEvent {
  id: number | undefined;
  event: ChatEvent;
}

/**
 * Reads an SSE body as protocol events, in order. Comment lines and unknown event types are
 * skipped, as the protocol asks. Ends when the body ends; throws when the connection breaks.
 */
export async function* readChatEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ReceivedEvent> {
  const queue: ReceivedEvent[] = [];
  const parser = createParser({
    onEvent: ({ id, data }) => {
      const event = parseChatEvent(data);
      if (!event) return;
      const numericId = id === undefined ? undefined : Number(id);
      queue.push({ id: Number.isFinite(numericId) ? numericId : undefined, event });
    },
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      while (queue.length > 0) yield queue.shift() as ReceivedEvent;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
