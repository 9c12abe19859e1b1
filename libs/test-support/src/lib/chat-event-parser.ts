import type { ChatEvent } from '@chat/contracts';
import { isChatEvent } from '@chat/contracts';
import { createParser } from 'eventsource-parser';

/** One event of a chat stream as a client receives it. */
export interface ReceivedEvent {
  /** Its SSE `id` (the position in the stream, from 1). */
  id: number;
  event: ChatEvent;
}

export interface ChatEventParser {
  /** Takes the next piece of the response text; throws on an event whose data is not a chat event. */
  feed(text: string): void;
}

/**
 * Reads a chat stream's SSE text as a browser's EventSource would (eventsource-parser), each
 * event's data parsed and checked against the contract.
 */
export function createChatEventParser(
  onEvent: (received: ReceivedEvent) => void,
  onComment?: (comment: string) => void,
): ChatEventParser {
  return createParser({
    onEvent(message) {
      let value: unknown;
      try {
        value = JSON.parse(message.data);
      } catch {
        value = undefined;
      }
      if (!isChatEvent(value)) throw new Error(`event ${message.id} is not a chat event: ${message.data}`);
      onEvent({ id: Number(message.id), event: value });
    },
    onComment,
  });
}
