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
 * Sends the response's headers (and whatever the framework writes with them) now. It returns
 * false when it cannot yet, and the writer then waits for the framework to send them itself.
 */
export type CommitHeaders = () => boolean;

/**
 * Writes the SSE frames of one response, coalescing those produced in one turn of the event loop
 * into one `res.write()` (one `writev`), as raw Node does, instead of one write per event, each
 * waiting for the previous one's callback. The first frames go out with the headers as soon as
 * the code that produced them has run (a microtask), rather than when the framework's timer
 * commits the headers: a busy server runs that timer only after all the I/O of the turn, which
 * made the first event wait for whole bursts of other streams. It waits for `drain` when the
 * client reads slower than the server produces; a client that stops reading altogether is
 * dropped past {@link MAX_PENDING_SSE_CHARS}.
 */
export class SseFrameWriter {
  private pending = '';
  private waiting: 'nothing' | 'headers' | 'drain' = 'nothing';
  private headersTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly response: ServerResponse,
    private readonly commitHeaders: CommitHeaders = () => false,
  ) {}

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
    if (!this.response.headersSent) {
      // The first frames: what the producer emits synchronously (a replay) goes with them.
      queueMicrotask(() => {
        if (due.delete(this)) this.flush();
      });
    } else if (!flushScheduled) {
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
      // One system call for the headers and the first frames.
      response.cork();
      const committed = this.commitHeaders();
      if (committed) this.send();
      response.uncork();
      if (committed) return;
      // The framework sends the headers on a timer set before this writer's first frame.
      this.waiting = 'headers';
      this.headersTimer = setTimeout(() => this.flush(), 0);
      return;
    }
    this.send();
  }

  /**
   * Calls `then` once every frame written so far has been handed to the response, so that
   * whatever ends the response comes after them.
   */
  settle(then: () => void): void {
    if (this.closed || this.pending === '') return then();
    if (this.response.headersSent || this.commitHeaders()) {
      // Backpressure no longer matters: what is left is bounded, and the response ends next.
      due.delete(this);
      clearTimeout(this.headersTimer);
      const frames = this.pending;
      this.pending = '';
      if (!this.response.destroyed) {
        // The framework ends the response a few ticks later; corked, the last frames and the end
        // of the body leave in one write (`end()` uncorks the connection fully).
        this.response.cork();
        this.response.write(frames);
      }
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

  private send(): void {
    const frames = this.pending;
    this.pending = '';
    if (!this.response.write(frames)) {
      this.waiting = 'drain';
      this.response.once('drain', () => this.flush());
    }
  }
}
