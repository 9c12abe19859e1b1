import { computed, DestroyRef, inject, Injectable, signal } from '@angular/core';
import type {
  AssistantProfile,
  ChatEvent,
  ChatRequest,
  VisitorIdentity,
  DoneEvent,
  HandoffStatus,
  LeadState,
  SessionEvent,
  SessionTranscript,
  SourceReference,
  TranscriptMessage,
} from '@chat/contracts';
import { loadMarkdown, markdownRenderer, type MarkdownRenderer } from './markdown/markdown-loader';
import { ChatApi } from './chat-api';
import { ApiRequestError, type ChatError, chatError, rateLimitedNotice } from './chat-error';
import { followReply } from './follow-reply';
import { followSessionChannel } from './session-channel';
import { SessionIdStore } from './session-id';

export type ChatStatus =
  'idle' | 'connecting' | 'streaming' | 'reconnecting' | 'stopping' | 'error';

/**
 * Where a message the visitor sent stands when the server has not taken it: it waits to be sent
 * by itself (after a rate limit's wait, or when the browser is back online), or it needs Retry.
 */
export type Delivery = 'waiting' | 'failed';

/** The reply being written: its id once the server named it, and the text so far. */
export interface LiveReply {
  messageId: string | null;
  text: string;
}

interface Turn {
  controller: AbortController;
  streamId: string | null;
  messageId: string | null;
  /** Reply text received so far; published to `streamingText` at most once per frame. */
  buffer: string;
  stopRequested: boolean;
  finished: boolean;
  /** The reply a regenerate replaces: shown again if the new one fails before a word. */
  replacing?: TranscriptMessage;
  /** The passages of the assistant's knowledge the reply was given (its `sources` event). */
  sources?: SourceReference[];
}

const EMPTY_LEAD: LeadState = { data_collected: {}, is_complete: false, missing_fields: [] };
const WITH_ASSISTANT: HandoffStatus = { state: 'assistant' };

/** How long a staff member's typing note lasts without another (the channel repeats it every 2 s). */
const STAFF_TYPING_MS = 6000;

/**
 * How much of a reply the live region reads out: the whole reply stays in the list, and a long
 * announcement is both useless to listen to and one long layout of a single hidden line.
 */
const ANNOUNCED_CHARACTERS = 600;

const nextFrame: (callback: () => void) => void =
  typeof requestAnimationFrame === 'function'
    ? (cb) => requestAnimationFrame(cb)
    : (cb) => setTimeout(cb, 16);

/**
 * The conversation's state. Network reading happens in `followReply`; this class is the one
 * place where its events become signals.
 */
@Injectable({ providedIn: 'root' })
export class ChatStore {
  private readonly api = inject(ChatApi);
  private readonly sessionIds = inject(SessionIdStore);

  private readonly _sessionId = signal(this.sessionIds.current());
  private readonly _messages = signal<readonly TranscriptMessage[]>([]);
  private readonly _streamingText = signal('');
  private readonly _liveMessageId = signal<string | null>(null);
  private readonly _status = signal<ChatStatus>('idle');
  private readonly _lead = signal<LeadState>(EMPTY_LEAD);
  private readonly _emailSent = signal(false);
  private readonly _error = signal<ChatError | null>(null);
  private readonly _profile = signal<AssistantProfile | null>(null);
  /** The assistant asked for is unknown or archived (its description answered 404). */
  private readonly _assistantUnavailable = signal(false);
  /** The assistant may not be used from this page's origin (its description answered 403). */
  private readonly _refusedHere = signal(false);
  private readonly _model = signal<string | null>(null);
  private readonly _announcement = signal('');
  private readonly _restoring = signal(false);
  /** The visitor's message the server has not taken, if any (always the last one sent). */
  private readonly _undelivered = signal<{ id: string; content: string } | null>(null);
  private readonly _online = signal(typeof navigator === 'undefined' || navigator.onLine);
  /** Seconds until a rate-limited message is sent by itself. */
  private readonly _sendingIn = signal<number | null>(null);
  /** The server knows the conversation (this browser holds its token): a person may be asked for. */
  private readonly _hasSession = signal(this.sessionIds.token(this._sessionId()) !== null);
  private readonly _handoff = signal<HandoffStatus>(WITH_ASSISTANT);
  /** A person held the conversation and gave it back to the assistant. */
  private readonly _handedBack = signal(false);
  private readonly _staffTyping = signal(false);
  private readonly _requestingHuman = signal(false);
  private readonly _handoffError = signal<ChatError | null>(null);

  readonly sessionId = this._sessionId.asReadonly();
  readonly messages = this._messages.asReadonly();
  /** Text of the reply being written, updated at most once per animation frame. */
  readonly streamingText = this._streamingText.asReadonly();
  readonly status = this._status.asReadonly();
  /** What went wrong; a rate-limited message's notice counts down to its automatic send. */
  readonly error = computed<ChatError | null>(() => {
    const error = this._error();
    const seconds = this._sendingIn();
    return error && seconds !== null ? { ...error, message: rateLimitedNotice(seconds) } : error;
  });
  /** The browser's connectivity (`navigator.onLine`): offline, sending waits for it. */
  readonly online = this._online.asReadonly();
  /** Seconds until a rate-limited message goes by itself, or null. */
  readonly sendingIn = this._sendingIn.asReadonly();
  /** The message the server has not taken, and whether it will go by itself. */
  readonly undelivered = computed<{ id: string; delivery: Delivery } | null>(() => {
    const message = this._undelivered();
    if (!message) return null;
    const waits = this._sendingIn() !== null || (!this._online() && this._error()?.retryable);
    return { id: message.id, delivery: waits ? 'waiting' : 'failed' };
  });
  readonly emailSent = this._emailSent.asReadonly();
  readonly profile = this._profile.asReadonly();
  readonly assistantUnavailable = this._assistantUnavailable.asReadonly();
  /** The API refused this page's origin for the assistant (its `allowed_origins` do not list it). */
  readonly refusedHere = this._refusedHere.asReadonly();
  /** The latest finished reply, for screen readers (set once per reply, never per token). */
  readonly announcement = this._announcement.asReadonly();
  readonly restoring = this._restoring.asReadonly();

  readonly dataCollected = computed(() => this._lead().data_collected);
  readonly isComplete = computed(() => this._lead().is_complete);
  readonly missingFields = computed(() => this._lead().missing_fields);
  readonly isReplying = computed(() =>
    ['connecting', 'streaming', 'reconnecting', 'stopping'].includes(this._status()),
  );
  /** While a person holds the conversation no reply is written: the visitor's message just goes. */
  readonly liveReply = computed<LiveReply | null>(() =>
    this.isReplying() && this._handoff().state !== 'human'
      ? { messageId: this._liveMessageId(), text: this._streamingText() }
      : null,
  );
  readonly hasSession = this._hasSession.asReadonly();
  /** Who answers the visitor: the assistant, nobody yet (a person was asked for), or a person. */
  readonly handoff = this._handoff.asReadonly();
  /** Back with the assistant after a person held the conversation. */
  readonly handedBack = this._handedBack.asReadonly();
  /** A staff member is writing (for 6 s after their last typing note, or until their message). */
  readonly staffTyping = this._staffTyping.asReadonly();
  /** Why asking for a person failed, if it did. */
  readonly handoffError = this._handoffError.asReadonly();
  readonly canRequestHuman = computed(
    () => this._hasSession() && this._handoff().state === 'assistant' && !this._requestingHuman(),
  );
  /**
   * The last reply may be written again: it is the last message, stored (a failed reply's words
   * are not: the server would regenerate the answer before it), and nothing is under way.
   */
  readonly canRegenerate = computed(
    () =>
      !this.isReplying() &&
      this._messages().at(-1)?.role === 'assistant' &&
      this._messages().at(-1)?.finish_reason !== 'error' &&
      this._undelivered() === null &&
      this._handoff().state !== 'human' &&
      this.sessionIds.token(this._sessionId()) !== null,
  );
  readonly isDemo = computed(() => this._profile()?.demo === true || this._model() === 'demo');

  /** The assistant talked to; null: the default one, named in no request (as before assistants). */
  private assistantId: string | null = null;
  /** What the host site vouches for of its visitor (the widget's `identify`), sent with each turn. */
  private identity: VisitorIdentity | null = null;
  private turn: Turn | null = null;
  private lastPrompt: string | null = null;
  /** The last turn asked for the last reply again: Retry asks again the same way. */
  private lastWasRegenerate = false;
  private failedMessageId: string | null = null;
  private flushScheduled = false;
  private restoreFailed = false;
  private countdown: ReturnType<typeof setInterval> | null = null;
  /** The live channel of the session shown, while it is open. */
  private channel: { sessionId: string; controller: AbortController } | null = null;
  /** The stream of the turn the channel is telling (its last `start`). */
  private channelStreamId: string | null = null;
  private staffTypingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.closeChannel();
      this.stopStaffTyping();
    });
    if (typeof window === 'undefined') return;
    const online = () => {
      this._online.set(true);
      // A message that could not go while offline goes now, as it would have.
      if (this._undelivered() && this._error()?.retryable && this._sendingIn() === null)
        this.retry();
    };
    const offline = () => this._online.set(false);
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    inject(DestroyRef).onDestroy(() => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
      this.stopCountdown();
    });
  }

  /** Sends a message; `false` when it is empty or a reply is still being written. */
  send(text: string): boolean {
    const message = text.trim();
    if (!message || this.isReplying()) return false;
    this.stopCountdown();
    this.lastPrompt = message;
    this.lastWasRegenerate = false;
    const id = `local-${Date.now()}-${this._messages().length}`;
    this._messages.update((list) => [
      ...list,
      { id, role: 'user', content: message, created_at: new Date().toISOString() },
    ]);
    // Until the server's `start` says it took the message.
    this._undelivered.set({ id, content: message });
    this.startTurn((signal) =>
      this.api.openStream(this.chatRequest({ message }), this.sessionToken(), signal),
    );
    return true;
  }

  /** Asks again for the reply that failed, without repeating the reader's message in the list. */
  retry(): void {
    if (this.restoreFailed) {
      void this.restore();
      return;
    }
    const prompt = this._undelivered()?.content ?? this.lastPrompt;
    if (!prompt || this.isReplying()) return;
    this.stopCountdown();
    const failedId = this.failedMessageId;
    if (failedId) this._messages.update((list) => list.filter((m) => m.id !== failedId));
    if (this.lastWasRegenerate) {
      this.regenerate();
      return;
    }
    this.startTurn((signal) =>
      this.api.openStream(this.chatRequest({ message: prompt }), this.sessionToken(), signal),
    );
  }

  /**
   * Writes the last reply again, for the same message of the visitor's: the server replaces the
   * stored reply once the new one is complete, so a failure loses nothing.
   */
  regenerate(): void {
    const prompt = this.lastPrompt;
    const replacing = this._messages().at(-1);
    if (!prompt || this.isReplying() || this._undelivered()) return;
    this.lastWasRegenerate = true;
    if (replacing?.role === 'assistant') this._messages.update((list) => list.slice(0, -1));
    this.startTurn(
      (signal) =>
        this.api.openStream(
          this.chatRequest({ message: prompt, regenerate: true }),
          this.sessionToken(),
          signal,
        ),
      undefined,
      replacing?.role === 'assistant' ? replacing : undefined,
    );
  }

  /** Stops the reply being written; it ends with what was written so far. */
  stop(): void {
    const turn = this.turn;
    if (!turn || turn.finished || !this.isReplying()) return;
    turn.stopRequested = true;
    this._status.set('stopping');
    if (turn.streamId) this.requestCancel(turn);
    // Without a stream id yet, the cancel is sent as soon as the `start` event names it.
  }

  /** Forgets the conversation and starts a new one under a fresh session id. */
  newConversation(): void {
    this.reset(() => this.sessionIds.renew());
  }

  /**
   * Talks to `assistantId` from now on (null: the default assistant), in the conversation this
   * browser keeps with it; `restore()` then loads it. Each assistant has its own conversation.
   */
  /**
   * Sends `identity` with every turn from now on (null: none): the server takes its email and
   * name as collected only with its `user_hash` (PROTOCOL.md, Website widget: `identify`).
   */
  identify(identity: VisitorIdentity | null): void {
    this.identity = identity?.email || identity?.name ? identity : null;
  }

  forAssistant(assistantId: string | null): void {
    if (assistantId === this.assistantId) return;
    // The running reply is cancelled with its own session's token, before the keys change.
    this.reset(() => {
      this.sessionIds.forAssistant(assistantId);
      return this.sessionIds.current();
    });
    this.assistantId = assistantId;
    this._profile.set(null);
    this._assistantUnavailable.set(false);
    this._refusedHere.set(false);
  }

  /**
   * Asks for a person to take the conversation (the session must exist: the visitor wrote).
   * The answer says whether someone is available; the channel then tells who joins.
   */
  async requestHuman(): Promise<void> {
    const sessionId = this._sessionId();
    const token = this.sessionToken();
    if (!token || !this.canRequestHuman()) return;
    this._requestingHuman.set(true);
    this._handoffError.set(null);
    try {
      const status = await this.api.requestHandoff(sessionId, token);
      // The channel may already have told a later state (someone took it at once).
      if (sessionId === this._sessionId() && this._handoff().state === 'assistant')
        this.setHandoff(status);
    } catch (error) {
      if (sessionId === this._sessionId())
        this._handoffError.set(
          error instanceof ApiRequestError ? error.chatError : chatError('network_error'),
        );
    } finally {
      this._requestingHuman.set(false);
    }
    this.openChannel();
  }

  /** Abandons what is under way and shows the (empty) conversation `nextSessionId()` names. */
  private reset(nextSessionId: () => string): void {
    const turn = this.turn;
    if (turn && !turn.finished && turn.streamId)
      this.api.cancelStream(turn.streamId, this.sessionToken()).catch(() => undefined);
    turn?.controller.abort();
    this.turn = null;
    this.lastPrompt = null;
    this.lastWasRegenerate = false;
    this.failedMessageId = null;
    this.restoreFailed = false;
    this.stopCountdown();
    this._undelivered.set(null);
    this._sessionId.set(nextSessionId());
    this._messages.set([]);
    this._streamingText.set('');
    this._liveMessageId.set(null);
    this._lead.set(EMPTY_LEAD);
    this._emailSent.set(false);
    this._error.set(null);
    this._model.set(null);
    this._announcement.set('');
    this._status.set('idle');
    this.closeChannel();
    this.stopStaffTyping();
    this._hasSession.set(this.sessionToken() !== null);
    this._handoff.set(WITH_ASSISTANT);
    this._handedBack.set(false);
    this._handoffError.set(null);
  }

  /** Loads the assistant's profile and the stored conversation, re-attaching to a running reply. */
  async restore(): Promise<void> {
    this._restoring.set(true);
    this.restoreFailed = false;
    this._error.set(null);
    if (this._status() === 'error') this._status.set('idle');
    const sessionId = this._sessionId();
    const profile = this.loadProfile();
    // Only a session this browser started (its first reply gave the token) has anything to
    // restore: asking for a fresh id would be a 404 on every first visit.
    const token = this.sessionIds.token(sessionId);
    try {
      const transcript = token ? await this.api.getSession(sessionId, token) : null;
      if (transcript && sessionId === this._sessionId()) {
        this.applyTranscript(transcript);
        this.openChannel();
      }
    } catch (error) {
      if (
        error instanceof ApiRequestError &&
        error.status === 403 &&
        sessionId === this._sessionId()
      ) {
        // This browser lost the conversation's token (or never had it): it cannot go on with it.
        this._sessionId.set(this.sessionIds.renew());
        this._hasSession.set(false);
        return;
      }
      this.restoreFailed = true;
      this._error.set(
        error instanceof ApiRequestError ? error.chatError : chatError('network_error'),
      );
      this._status.set('error');
    } finally {
      this._restoring.set(false);
    }
    await profile;
  }

  /** The assistant's description: the default's profile, or the named one's (404: unavailable). */
  private async loadProfile(): Promise<void> {
    const assistantId = this.assistantId;
    try {
      const profile = await (assistantId === null
        ? this.api.getProfile()
        : this.api.getAssistant(assistantId));
      if (assistantId === this.assistantId) this._profile.set(profile);
    } catch (error) {
      if (assistantId !== this.assistantId) return;
      this._profile.set(null);
      this._assistantUnavailable.set(error instanceof ApiRequestError && error.status === 404);
      this._refusedHere.set(error instanceof ApiRequestError && error.status === 403);
    }
  }

  /** A chat call's body for the current session, naming the assistant unless it is the default. */
  private chatRequest(turn: Pick<ChatRequest, 'message' | 'regenerate'>): ChatRequest {
    return {
      ...turn,
      session_id: this._sessionId(),
      ...(this.assistantId === null ? {} : { assistant_id: this.assistantId }),
      ...(this.identity && { identity: this.identity }),
    };
  }

  private applyTranscript(transcript: SessionTranscript): void {
    const active = transcript.active_stream;
    this._messages.set(transcript.messages.filter((m) => m.id !== active?.message_id));
    this._lead.set({
      data_collected: transcript.data_collected,
      is_complete: transcript.is_complete,
      missing_fields: transcript.missing_fields,
    });
    this._emailSent.set(transcript.email_status === 'sent');
    const handoff = transcript.handoff ?? WITH_ASSISTANT;
    this._handoff.set(handoff);
    this._handedBack.set(
      handoff.state === 'assistant' && transcript.messages.some((m) => m.role === 'staff'),
    );
    const lastUser = [...transcript.messages].reverse().find((m) => m.role === 'user');
    this.lastPrompt = lastUser?.content ?? null;
    if (active) {
      this.startTurn(
        (signal) => this.api.resumeStream(active.stream_id, 0, this.sessionToken(), signal),
        active,
      );
    }
  }

  private startTurn(
    open: (signal: AbortSignal) => Promise<Response>,
    attach?: { stream_id: string; message_id: string },
    replacing?: TranscriptMessage,
  ): void {
    // A finished turn keeps reading: its `email_sent` may still be on the way.
    if (this.turn && !this.turn.finished) this.turn.controller.abort();
    // A reply is coming: its markdown renderer loads while the model starts writing.
    loadMarkdown().catch(() => undefined);
    const turn: Turn = {
      controller: new AbortController(),
      streamId: attach?.stream_id ?? null,
      messageId: attach?.message_id ?? null,
      buffer: '',
      stopRequested: false,
      finished: false,
      replacing,
    };
    this.turn = turn;
    this.failedMessageId = null;
    this._error.set(null);
    this._streamingText.set('');
    this._liveMessageId.set(turn.messageId);
    this._status.set(attach ? 'streaming' : 'connecting');

    followReply(
      this.api,
      {
        open,
        streamId: attach?.stream_id,
        lastEventId: 0,
        sessionToken: () => this.sessionToken(),
        signal: turn.controller.signal,
      },
      {
        onEvent: ({ event }) => this.apply(turn, event),
        onReconnecting: () => {
          if (this.turn === turn && !turn.finished && this._status() !== 'stopping')
            this._status.set('reconnecting');
        },
      },
    )
      .then(() => {
        // The body ended cleanly after its terminal event, or the turn was abandoned.
      })
      .catch(async (error: unknown) => {
        if (turn.controller.signal.aborted || turn.finished || this.turn !== turn) return;
        if (error instanceof ApiRequestError && error.status === 404 && turn.streamId) {
          // The reply's stream is gone (its instance stopped, say): the conversation may not be.
          await this.afterLostReply(turn);
          return;
        }
        this.fail(
          turn,
          error instanceof ApiRequestError ? error.chatError : chatError('connection_lost'),
        );
      });
  }

  private apply(turn: Turn, event: ChatEvent): void {
    if (event.type === 'email_sent') {
      this._emailSent.set(true);
      return;
    }
    if (this.turn !== turn || turn.finished) return;
    switch (event.type) {
      case 'start':
        if (event.session_token) this.sessionIds.saveToken(event.session_id, event.session_token);
        this._hasSession.set(true);
        this.openChannel();
        this._undelivered.set(null);
        turn.streamId = event.stream_id;
        turn.messageId = event.message_id;
        this._liveMessageId.set(event.message_id);
        this._model.set(event.model);
        if (turn.stopRequested) this.requestCancel(turn);
        else this._status.set('streaming');
        break;
      case 'chunk':
        turn.buffer += event.content;
        if (this._status() === 'reconnecting' || this._status() === 'connecting')
          this._status.set('streaming');
        this.scheduleFlush();
        break;
      case 'sources':
        turn.sources = event.sources;
        break;
      case 'done':
        this.finish(turn, event);
        break;
      case 'error':
        this.fail(turn, { ...chatError(event.code), retryable: event.retryable });
        break;
    }
  }

  /**
   * A reply whose stream the server no longer knows: saved after all (shown from the
   * transcript), interrupted in a conversation that goes on (Regenerate), or, only when the
   * session itself is gone, a conversation no longer available.
   */
  private async afterLostReply(turn: Turn): Promise<void> {
    const sessionId = this._sessionId();
    let transcript: SessionTranscript | null | undefined;
    try {
      transcript = await this.api.getSession(sessionId, this.sessionToken());
    } catch {
      transcript = undefined;
    }
    if (this.turn !== turn || turn.finished || sessionId !== this._sessionId()) return;
    if (transcript === null) return this.fail(turn, chatError('not_found'));
    if (transcript?.messages.some((m) => m.id === turn.messageId && m.role === 'assistant')) {
      turn.finished = true;
      this.endLive('idle');
      this.applyTranscript(transcript);
      return;
    }
    this.fail(turn, chatError('reply_interrupted'));
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    nextFrame(() => {
      this.flushScheduled = false;
      const current = this.turn;
      if (current && !current.finished) this._streamingText.set(current.buffer);
    });
  }

  private finish(turn: Turn, done: DoneEvent): void {
    turn.finished = true;
    const content = turn.buffer;
    if (done.finish_reason === 'handoff' && !content) {
      // A person holds the conversation: the message went to them, and no reply is written.
      this._lead.set({
        data_collected: done.data_collected,
        is_complete: done.is_complete,
        missing_fields: done.missing_fields ?? [],
      });
      this.endLive('idle');
      return;
    }
    this._messages.update((list) => [
      ...list,
      {
        id: done.message_id ?? turn.messageId ?? `reply-${list.length}`,
        role: 'assistant',
        content,
        created_at: new Date().toISOString(),
        finish_reason: done.finish_reason,
        ...(turn.sources?.length && { sources: turn.sources }),
      },
    ]);
    this._lead.set({
      data_collected: done.data_collected,
      is_complete: done.is_complete,
      missing_fields: done.missing_fields ?? [],
    });
    this.endLive('idle');
    const announce = (markdown: MarkdownRenderer) => {
      if (this.turn !== turn) return; // another turn, or another conversation, began meanwhile
      const spoken = markdown.renderedText(content, ANNOUNCED_CHARACTERS);
      this._announcement.set(
        done.finish_reason === 'cancelled'
          ? `Reply stopped. ${spoken}`
          : `Assistant replied: ${spoken}`,
      );
    };
    // The text of the rendered reply is announced, never its markup: the renderer is here by now
    // (loaded when the turn began), else it is awaited.
    const markdown = markdownRenderer();
    if (markdown) announce(markdown);
    else loadMarkdown().then(announce, () => undefined);
  }

  private fail(turn: Turn, error: ChatError): void {
    turn.finished = true;
    const replaced = turn.replacing;
    if (replaced && !turn.buffer) this._messages.update((list) => [...list, replaced]);
    if (turn.buffer) {
      const id = turn.messageId ?? `failed-${Date.now()}`;
      this.failedMessageId = id;
      this._messages.update((list) => [
        ...list,
        {
          id,
          role: 'assistant',
          content: turn.buffer,
          created_at: new Date().toISOString(),
          finish_reason: 'error',
        },
      ]);
    }
    this._error.set(error);
    this.endLive('error');
    this._announcement.set(`Reply failed. ${error.message}`);
    if (
      this._undelivered() &&
      error.code === 'rate_limited' &&
      error.retryAfterSeconds !== undefined
    )
      this.startCountdown(error.retryAfterSeconds);
  }

  /** The rate limit's wait, counted down each second; the message is sent by itself at the end. */
  private startCountdown(seconds: number): void {
    this.stopCountdown();
    this._sendingIn.set(Math.max(1, seconds));
    this.countdown = setInterval(() => {
      const left = (this._sendingIn() ?? 1) - 1;
      if (left > 0) {
        this._sendingIn.set(left);
        return;
      }
      this.stopCountdown();
      this.retry();
    }, 1000);
  }

  private stopCountdown(): void {
    if (this.countdown) clearInterval(this.countdown);
    this.countdown = null;
    this._sendingIn.set(null);
  }

  /** Opens the live channel of the session shown, unless it is open or the session is not known yet. */
  private openChannel(): void {
    const sessionId = this._sessionId();
    const sessionToken = this.sessionIds.token(sessionId);
    if (!sessionToken || this.channel?.sessionId === sessionId) return;
    this.closeChannel();
    const controller = new AbortController();
    const channel = { sessionId, controller };
    this.channel = channel;
    const current = () => this.channel === channel && !controller.signal.aborted;
    followSessionChannel(
      this.api,
      { sessionId, sessionToken, signal: controller.signal },
      {
        onEvent: (event) => {
          if (current()) this.applySessionEvent(event);
        },
        onReconnected: () => {
          if (current()) void this.reloadTranscript();
        },
      },
    )
      .catch(() => undefined)
      .finally(() => {
        // Refused for good (the session is gone): a later turn or restore opens it again.
        if (this.channel === channel) this.channel = null;
      });
  }

  private closeChannel(): void {
    this.channel?.controller.abort();
    this.channel = null;
    this.channelStreamId = null;
  }

  private applySessionEvent(event: SessionEvent): void {
    switch (event.type) {
      case 'message':
        return this.receiveMessage(event.message);
      case 'handoff':
        return this.setHandoff(event);
      case 'typing':
        if (event.role === 'staff') this.startStaffTyping();
        return;
      case 'start':
        this.channelStreamId = event.stream_id;
        return;
      case 'email_sent':
        this._emailSent.set(true);
        return;
      case 'done':
      case 'error':
        // Another tab's turn ended: the transcript holds its message and reply.
        if (!this.tellsOwnTurn(event)) void this.reloadTranscript();
        return;
      default:
        // The words of a turn: this store reads its own turn's stream, and reloads another's.
        return;
    }
  }

  /** Whether the channel's turn is the one this store is reading from its own stream. */
  private tellsOwnTurn(event: DoneEvent | Extract<ChatEvent, { type: 'error' }>): boolean {
    const turn = this.turn;
    if (!turn) return false;
    if (turn.streamId !== null && turn.streamId === this.channelStreamId) return true;
    if (event.type === 'done' && turn.messageId === event.message_id) return true;
    // The own stream has not said `start` yet: a session runs one turn at a time, so it is this one.
    return !turn.finished && turn.streamId === null;
  }

  private receiveMessage(message: TranscriptMessage): void {
    // The visitor's messages are shown as sent (another tab's come with its turn's reload).
    if (message.role === 'user' || this._messages().some((m) => m.id === message.id)) return;
    this._messages.update((list) => [...list, message]);
    if (message.role !== 'staff') return;
    this.stopStaffTyping();
    const name = message.author?.name ?? 'A team member';
    const announce = (markdown: MarkdownRenderer) =>
      this._announcement.set(
        `${name} wrote: ${markdown.renderedText(message.content, ANNOUNCED_CHARACTERS)}`,
      );
    const markdown = markdownRenderer();
    if (markdown) announce(markdown);
    else loadMarkdown().then(announce, () => undefined);
  }

  private setHandoff(status: HandoffStatus): void {
    const previous = this._handoff().state;
    this._handoff.set({
      state: status.state,
      ...(status.agent && { agent: status.agent }),
      ...(status.available !== undefined && { available: status.available }),
      ...(status.reason && { reason: status.reason }),
    });
    if (status.state !== 'assistant') this._handedBack.set(false);
    else if (previous === 'human') this._handedBack.set(true);
    if (status.state !== 'human') this.stopStaffTyping();
  }

  private startStaffTyping(): void {
    clearTimeout(this.staffTypingTimer);
    this._staffTyping.set(true);
    this.staffTypingTimer = setTimeout(() => this._staffTyping.set(false), STAFF_TYPING_MS);
  }

  private stopStaffTyping(): void {
    clearTimeout(this.staffTypingTimer);
    this._staffTyping.set(false);
  }

  /**
   * Shows the stored conversation again (after another tab's turn, or a channel that dropped):
   * not while a message of this tab's is under way, which its own stream completes, nor while
   * this tab shows a reply that failed, which the transcript does not hold (the visitor's Retry
   * or Regenerate settles it, and reads the transcript then).
   */
  private async reloadTranscript(): Promise<void> {
    const sessionId = this._sessionId();
    const token = this.sessionToken();
    const busy = () =>
      this.isReplying() || this._undelivered() !== null || this._status() === 'error';
    if (!token || busy()) return;
    try {
      const transcript = await this.api.getSession(sessionId, token);
      if (transcript && sessionId === this._sessionId() && !busy())
        this.applyTranscript(transcript);
    } catch {
      // The channel goes on; its next turn or reconnection reloads again.
    }
  }

  /** The current session's token, once its first reply gave it. */
  private sessionToken(): string | null {
    return this.sessionIds.token(this._sessionId());
  }

  private endLive(status: ChatStatus): void {
    this._streamingText.set('');
    this._liveMessageId.set(null);
    this._status.set(status);
  }

  private requestCancel(turn: Turn): void {
    const streamId = turn.streamId as string;
    this.api.cancelStream(streamId, this.sessionToken()).catch(() => {
      // The reply may have just ended, or the server forgot it: end it here with what arrived.
      if (this.turn !== turn || turn.finished) return;
      turn.controller.abort();
      this.finish(turn, {
        type: 'done',
        message_id: turn.messageId ?? streamId,
        finish_reason: 'cancelled',
        ...this._lead(),
      });
    });
  }
}
