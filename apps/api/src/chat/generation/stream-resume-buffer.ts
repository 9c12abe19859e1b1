import type { ChatEvent } from '@chat/contracts';

/** An event of a stream as sent: its id (1, 2, …) and its one-line JSON, encoded once. */
export interface StreamEvent {
  readonly id: number;
  readonly json: string;
}

/** A finished stream's events, compact: the chunks' texts as one string, the rest as sent. */
interface SealedEvents {
  /** The contents of the chunk events, in order, joined. */
  readonly text: string;
  /** For each event, the length of `text` up to and including it. */
  readonly ends: Uint32Array;
  /** The JSON of the events that are not chunks (a few: start, done, email_sent, error), by index. */
  readonly others: ReadonlyMap<number, string>;
}

/**
 * The events of one stream as sent, kept so that a client that reconnects gets exactly what it
 * missed. While the reply streams, each event is kept as its JSON. When it ends, the buffer is
 * sealed: the chunks' texts become one string and their boundaries, and a late client's chunk
 * frames are encoded again, to the same bytes. A finished stream stays resumable for minutes, and
 * one JSON string and record per chunk was most of what each turn left in memory (24 of 38 KiB
 * for a 200-token reply, measured by the benchmark's "held after finished turns").
 */
export class StreamResumeBuffer {
  private open: { json: string[]; chunks: (string | undefined)[] } | undefined = {
    json: [],
    chunks: [],
  };
  private sealed: SealedEvents | undefined;

  get length(): number {
    return this.open ? this.open.json.length : (this.sealed?.ends.length ?? 0);
  }

  get isSealed(): boolean {
    return this.open === undefined;
  }

  /** Keeps `event` as the next one and answers it as sent. */
  append(event: ChatEvent): StreamEvent {
    if (!this.open) throw new Error('A sealed stream takes no more events.');
    // A chunk is encoded from its content alone, so that a replay of the sealed form is identical.
    const json = event.type === 'chunk' ? encodeChunk(event.content) : JSON.stringify(event);
    this.open.json.push(json);
    this.open.chunks.push(event.type === 'chunk' ? event.content : undefined);
    return { id: this.open.json.length, json };
  }

  /** The event with id `id` (1-based), as sent. */
  at(id: number): StreamEvent {
    const index = id - 1;
    if (this.open) return { id, json: this.open.json[index] };
    const { text, ends, others } = this.sealed as SealedEvents;
    const json =
      others.get(index) ?? encodeChunk(text.slice(index === 0 ? 0 : ends[index - 1], ends[index]));
    return { id, json };
  }

  /** No more events: from now on the buffer keeps its compact form. */
  seal(): void {
    if (!this.open) return;
    const { json, chunks } = this.open;
    const ends = new Uint32Array(json.length);
    const others = new Map<number, string>();
    const texts: string[] = [];
    let length = 0;
    for (let i = 0; i < json.length; i++) {
      const chunk = chunks[i];
      if (chunk === undefined) others.set(i, json[i]);
      else {
        texts.push(chunk);
        length += chunk.length;
      }
      ends[i] = length;
    }
    this.sealed = { text: texts.join(''), ends, others };
    this.open = undefined;
  }
}

function encodeChunk(content: string): string {
  return JSON.stringify({ type: 'chunk', content });
}
