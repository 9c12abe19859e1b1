import { randomUUID } from 'node:crypto';
import { Observable, type Subscriber } from 'rxjs';
import type { ChatEvent } from '@chat/contracts';
import type { SessionOwner } from '../../sessions/session-owner';
import type { LiveGeneration } from './live-generation';
import type { SessionClaim } from './redis-live-streams';
import { type StreamEvent, StreamResumeBuffer } from './stream-resume-buffer';

export interface GenerationLifecycle {
  /** Called when the last client detaches from a running generation. */
  onOrphaned(generation: Generation): void;
  /** Called when a client attaches to a running generation. */
  onAdopted(generation: Generation): void;
  onFinished(generation: Generation): void;
}

/**
 * One assistant reply being generated. It belongs to the server, not to a connection: every
 * event is kept (the resume buffer) so that a client that reconnects gets exactly what it
 * missed, in order, then the live events.
 */
export class Generation implements LiveGeneration {
  private readonly events = new StreamResumeBuffer();
  private readonly clients = new Set<Subscriber<StreamEvent>>();
  private readonly watchers: ((event: ChatEvent) => void)[] = [];
  private readonly abortController = new AbortController();
  private finishedAt: number | undefined;

  /** The visitor's message this generation answers; pending in the transcript while it runs. */
  readonly promptMessageId = randomUUID();

  /** A regenerate turn's `replacesFrom`: a reload meanwhile shows the transcript as it will be. */
  replacesFrom: number | undefined;

  /** Its session's owner: a resume or cancel must come from it. */
  owner: SessionOwner = { tokenHash: null, apiKeyId: null };

  /** With Redis: its claim on its session, and where each event is shared as it is emitted. */
  claim: SessionClaim | undefined;
  relay: ((event: StreamEvent) => void) | undefined;

  constructor(
    readonly streamId: string,
    readonly sessionId: string,
    readonly messageId: string,
    private readonly lifecycle: GenerationLifecycle,
  ) {}

  /** Aborted by an explicit cancel, the orphan timeout or shutdown. */
  get signal(): AbortSignal {
    return this.abortController.signal;
  }

  get isFinished(): boolean {
    return this.finishedAt !== undefined;
  }

  isRunning(): Promise<boolean> {
    return Promise.resolve(!this.isFinished);
  }

  /** The id of the last event emitted (0 before the first). */
  get lastEventId(): number {
    return this.events.length;
  }

  /** The contents of its chunk events so far, joined: the reply as the client received it. */
  get replyText(): string {
    return this.events.text;
  }

  emit(event: ChatEvent): void {
    if (this.isFinished) return;
    const entry = this.events.append(event);
    this.relay?.(entry);
    for (const watch of this.watchers) watch(event);
    for (const client of this.clients) client.next(entry);
  }

  /**
   * Calls `watch` with each event object emitted from now on, for in-process consumers that
   * want the events themselves rather than their encoded form (the non-streaming reply).
   */
  watch(watch: (event: ChatEvent) => void): void {
    this.watchers.push(watch);
  }

  /** No more events: every attached client completes. */
  finish(): void {
    if (this.isFinished) return;
    this.finishedAt = Date.now();
    this.events.seal();
    for (const client of this.clients) client.complete();
    this.clients.clear();
    // A finished stream stays resumable for minutes: it keeps its events, not its watchers.
    this.watchers.length = 0;
    this.lifecycle.onFinished(this);
  }

  abort(reason: string): void {
    if (!this.isFinished && !this.signal.aborted) this.abortController.abort(reason);
  }

  /** The events after `lastEventId`, then the live ones until the generation finishes. */
  events$(lastEventId = 0): Observable<StreamEvent> {
    return new Observable<StreamEvent>((client) => {
      for (let id = Math.max(0, lastEventId) + 1; id <= this.events.length; id++) {
        client.next(this.events.at(id));
      }
      if (this.isFinished) {
        client.complete();
        return undefined;
      }
      this.clients.add(client);
      if (this.clients.size === 1) this.lifecycle.onAdopted(this);
      return () => {
        if (this.clients.delete(client) && this.clients.size === 0 && !this.isFinished) {
          this.lifecycle.onOrphaned(this);
        }
      };
    });
  }
}
