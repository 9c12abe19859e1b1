import { type ChatEvent, encodeEventData } from '@chat/contracts';

/** An event of a stream as sent: its id (1, 2, …) and its one-line JSON, encoded once. */
export interface StreamEvent {
  readonly id: number;
  readonly json: string;
}

/**
 * The events of one stream as sent, kept so that a client that reconnects gets exactly what it
 * missed. Chunks, nearly all of the events, are kept as their texts and the length of the reply
 * after each event; their frames are encoded again, to the same bytes, for a client that replays
 * them. The few other events (start, done, email_sent, error) keep their JSON. When the stream
 * ends, the texts are joined into one string. A finished stream stays resumable for minutes, and
 * one JSON string and record per chunk was most of what each turn left in memory (measured by the
 * benchmark's "held after finished turns"; figures in docs/performance-log.md).
 */
export class StreamResumeBuffer {
  /** The chunks' texts while the stream is open; once sealed, only their join is kept. */
  private texts: string[] | undefined = [];
  /** `texts` joined, as of `joinedCount` of them: joined once per replay or seal, not per chunk. */
  private joined = '';
  private joinedCount = 0;
  /** For each event, the length of the reply up to and including it. */
  private ends: number[] | Uint32Array = [];
  /** The JSON of the events that are not chunks, by index. */
  private readonly others = new Map<number, string>();

  get length(): number {
    return this.ends.length;
  }

  get isSealed(): boolean {
    return this.texts === undefined;
  }

  /** The contents of the chunks so far, joined: the reply as streamed. */
  get text(): string {
    if (this.texts && this.joinedCount !== this.texts.length) {
      this.joined = this.texts.join('');
      this.joinedCount = this.texts.length;
    }
    return this.joined;
  }

  /** Keeps `event` as the next one and answers it as sent. */
  append(event: ChatEvent): StreamEvent {
    const { texts, ends } = this;
    if (!texts || ends instanceof Uint32Array) {
      throw new Error('A sealed stream takes no more events.');
    }
    const index = ends.length;
    let length = index === 0 ? 0 : ends[index - 1];
    let json: string;
    if (event.type === 'chunk') {
      texts.push(event.content);
      length += event.content.length;
      // Encoded from its content alone, as a replay encodes it.
      json = encodeChunk(event.content);
    } else {
      json = encodeEventData(event);
      this.others.set(index, json);
    }
    ends.push(length);
    return { id: index + 1, json };
  }

  /** The event with id `id` (1-based), as sent. */
  at(id: number): StreamEvent {
    const index = id - 1;
    const json =
      this.others.get(index) ??
      encodeChunk(this.text.slice(index === 0 ? 0 : this.ends[index - 1], this.ends[index]));
    return { id, json };
  }

  /** No more events: from now on the buffer keeps its compact form. */
  seal(): void {
    if (!this.texts) return;
    this.joined = this.text;
    this.texts = undefined;
    this.ends = Uint32Array.from(this.ends);
  }
}

function encodeChunk(content: string): string {
  return encodeEventData({ type: 'chunk', content });
}
