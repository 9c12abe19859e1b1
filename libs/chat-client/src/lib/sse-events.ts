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
export async function* readChatEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ReceivedEvent> {
  for await (const { id, event } of readServerEvents(body, parseChatEvent)) {
    const numericId = id === undefined ? undefined : Number(id);
    yield { id: Number.isFinite(numericId) ? numericId : undefined, event };
  }
}

/**
 * Reads an SSE body as the events `parse` knows, each with its id as sent (a stream's ids are
 * numbers, a session channel's opaque strings); what `parse` rejects is skipped.
 */
export async function* readServerEvents<T>(
  body: ReadableStream<Uint8Array>,
  parse: (data: string) => T | undefined,
): AsyncGenerator<{ id: string | undefined; event: T }> {
  const queue: { id: string | undefined; event: T }[] = [];
  const parser = createParser({
    onEvent: ({ id, data }) => {
      const event = parse(data);
      if (event !== undefined) queue.push({ id, event });
    },
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      while (queue.length > 0) yield queue.shift() as { id: string | undefined; event: T };
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
