import type { ServerResponse } from 'node:http';

/** Characters that may wait for a client that does not read before it is dropped (Nest's default too). */
export const MAX_PENDING_SSE_CHARS = 4 * 1024 * 1024;

/** Writers with frames to send at the end of this turn of the event loop: one timer for all of them. */
const due = new Set<SseFrameWriter>();
let flushScheduled = false;

function flushDueWriters(): void {
  flushScheduled = false;
  const writers = [...due];
  due.clear();
  for (const writer of writers) writer.flush();
}

/**
 * Writes the SSE frames of one response, coalescing those produced in one turn of the event loop
 * into one `res.write()` (one `writev`), as raw Node does, instead of one write per event, each
 * waiting for the previous one's callback. It writes only once the response's headers are out
 * (Nest commits them on a timer) and waits for `drain` when the client reads slower than the
 * server produces; a client that stops reading altogether is dropped past
 * {@link MAX_PENDING_SSE_CHARS}.
 */
export class SseFrameWriter {
  private pending = '';
  private waiting: 'nothing' | 'headers' | 'drain' = 'nothing';
  private headersTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly response: ServerResponse) {}

  write(frame: string): void {
    if (this.closed) return;
    this.pending += frame;
    if (this.pending.length > MAX_PENDING_SSE_CHARS && this.waiting === 'drain') {
      this.dispose();
      this.response.destroy();
      return;
    }
    if (this.waiting !== 'nothing' || due.has(this)) return;
    due.add(this);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushDueWriters);
    }
  }

  /** Sends what is pending now if the response can take it; otherwise once it can. */
  flush(): void {
    this.waiting = 'nothing';
    if (this.closed || this.pending === '') return;
    const { response } = this;
    if (response.destroyed || response.writableEnded) return this.dispose();
    if (!response.headersSent) {
      // Nest sends the headers on a timer set before this writer's first frame: this one runs after it.
      this.waiting = 'headers';
      this.headersTimer = setTimeout(() => this.flush(), 0);
      return;
    }
    const frames = this.pending;
    this.pending = '';
    if (!response.write(frames)) {
      this.waiting = 'drain';
      response.once('drain', () => this.flush());
    }
  }

  /**
   * Calls `then` once every frame written so far has been handed to the response, so that
   * whatever ends the response comes after them.
   */
  settle(then: () => void): void {
    if (this.closed || this.pending === '') return then();
    if (this.response.headersSent) {
      // Backpressure no longer matters: what is left is bounded, and the response ends next.
      due.delete(this);
      clearTimeout(this.headersTimer);
      const frames = this.pending;
      this.pending = '';
      if (!this.response.destroyed) this.response.write(frames);
      return then();
    }
    clearTimeout(this.headersTimer);
    this.headersTimer = setTimeout(() => this.settle(then), 0);
  }

  dispose(): void {
    this.closed = true;
    this.pending = '';
    due.delete(this);
    clearTimeout(this.headersTimer);
  }
}
