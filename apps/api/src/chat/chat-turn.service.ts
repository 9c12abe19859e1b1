import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { lastValueFrom } from 'rxjs';
import type {
  ChatEvent,
  ChatReply,
  ChatRequest,
  DoneEvent,
  LeadData,
  SessionTranscript,
  TokenUsage,
  VisitorIdentity,
} from '@chat/contracts';
import { staffDisplayName } from '../access/staff-display-name';
import { ApiError } from '../common/api-error';
import { toErrorEvent } from '../common/error-event';
import { chatConfig } from '../config/chat.config';
import { assessLead } from '../lead-extraction/lead-assessment';
import { LeadExtractor } from '../lead-extraction/lead-extractor';
import { buildSystemPrompt, collectedDataMessage } from '../lead-extraction/system-prompt';
import {
  knowledgePrompt,
  PASSAGES_PER_TURN,
  sourceReferences,
} from '../knowledge/knowledge-prompt';
import type { RetrievedPassage } from '../knowledge/passage-search';
import { PassageRetrieval } from '../knowledge/passage-retrieval';
import { TurnNotifications } from '../notifications/turn-notifications';
import { ModelClient } from '../model/model-client';
import type { ConversationTurn } from '../model/model-output';
import { PublishedAssistants } from '../assistants/published-assistants';
import { VisitorIdentities } from '../assistants/visitor-identities';
import type { AssistantProfileDefinition } from '../profile/assistant-profile';
import { SessionRepository, type TurnStart } from '../sessions/session-repository';
import { ownsSession, type SessionCaller } from '../sessions/session-owner';
import { publicSessionId, storedSessionId } from '../sessions/session-namespace';
import { forbidden, hashSessionToken, newSessionToken } from '../sessions/session-token';
import { TurnEvents } from '../turn-events/turn-events';
import { ChatReplyCollector } from './chat-reply';
import { conversationWindow, modelTurn } from './conversation-window';
import type { Generation } from './generation/generation';
import { GenerationRegistry } from './generation/generation-registry';

/** What `email_sent` tells the visitor. */
export const EMAIL_SENT_MESSAGE = 'Your details were sent to our team.';

/**
 * Runs the turns of a conversation: the user's message in, the reply streamed out as protocol
 * events, then data extraction and, on the turn that completes the lead, the notification.
 * What else a turn causes (the staff feed, the webhook's first attempt, the metrics) hangs off
 * the turn's events (`TurnEvents`), each in its own module.
 * A turn is the unit of work: one write before the first token (the session and the visitor's
 * pending message), one transaction after the reply. A turn that fails is not kept (nothing
 * half-written); a cancelled one keeps what was said.
 */
@Injectable()
export class ChatTurnService {
  private readonly logger = new Logger(ChatTurnService.name);

  constructor(
    private readonly generations: GenerationRegistry,
    private readonly sessions: SessionRepository,
    private readonly notifications: TurnNotifications,
    private readonly events: TurnEvents,
    private readonly model: ModelClient,
    private readonly extractor: LeadExtractor,
    private readonly assistants: PublishedAssistants,
    private readonly identities: VisitorIdentities,
    private readonly retrieval: PassageRetrieval,
    @Inject(chatConfig.KEY) private readonly config: ConfigType<typeof chatConfig>,
  ) {}

  /**
   * Starts a reply to `request` from `caller` (the session's owner, unless the session is new).
   * Resolves once the turn's one statement before the first token has run, so that a caller
   * who does not own the session, or a full session, is refused before any event: its events
   * then flow through the returned generation, and to `watch`, if given, as objects from `start`.
   * With `regenerate`, the turn asks the session's last user message again (`message` ignored):
   * its reply replaces the old one when the turn completes, and only then.
   */
  async startTurn(
    request: ChatRequest,
    caller: SessionCaller,
    watch?: (event: ChatEvent) => void,
  ): Promise<Generation> {
    const startedAt = performance.now();
    const preview = request.preview === true;
    // The preview guard lets only an admin's checked staff session through; a WebSocket message
    // has none, so it cannot preview.
    if (preview && !caller.previewer) {
      throw new ApiError('unauthorized', 'Sign in as an admin to preview a draft.');
    }
    const regenerate = request.regenerate === true;
    if (regenerate && request.session_id === undefined) {
      throw new ApiError('invalid_request', 'session_id is required to regenerate.');
    }
    const message = regenerate ? undefined : (request.message ?? '');
    if (message !== undefined && message.trim().length === 0) {
      throw new ApiError('invalid_request', 'message must not be empty.');
    }
    if (message !== undefined && message.length > this.config.messageMaxLength) {
      throw new ApiError(
        'invalid_request',
        `message must be at most ${this.config.messageMaxLength} characters.`,
      );
    }
    const { sessionToken, apiKeyId } = caller;
    const tokenHash = sessionToken ? hashSessionToken(sessionToken) : undefined;
    // A session an API key creates is the key's: it gets no token.
    const newToken = apiKeyId ? undefined : newSessionToken();
    const newTokenHash = newToken ? hashSessionToken(newToken) : null;
    // Owned by the caller until the database says who owns the session: a second message
    // meanwhile is told 409 if it comes from the same caller.
    const sessionId = storedSessionId(request.session_id ?? randomUUID(), apiKeyId);
    const generation = await this.generations.start(sessionId, caller, {
      tokenHash: tokenHash ?? newTokenHash,
      apiKeyId: apiKeyId ?? null,
    });
    let start: TurnStart;
    try {
      // The one database round trip before the first token.
      start = await this.sessions.beginTurn({
        sessionId: generation.sessionId,
        tokenHash,
        newTokenHash,
        apiKeyId,
        leadId: randomUUID(),
        messageId: generation.promptMessageId,
        content: message,
        maxMessages: this.config.sessionMaxMessages,
        maxSessions: this.config.sessionsMax,
        historyLimit: this.config.contextMaxMessages,
        assistantId: request.assistant_id,
        heldVersions: this.assistants.held(),
        preview,
        passages: PASSAGES_PER_TURN,
      });
    } catch (error) {
      this.generations.discard(generation);
      throw error;
    }
    if (!start.accepted) {
      this.generations.discard(generation);
      throw this.refusal(start, request.assistant_id, preview);
    }
    if (start.handoff === 'human' && regenerate) {
      this.generations.discard(generation);
      await this.sessions.discardTurn(generation.promptMessageId);
      throw new ApiError(
        'invalid_request',
        'A member of the team has this conversation: there is no reply to regenerate.',
      );
    }
    // The version's definition came with the statement unless this instance held it already;
    // a draft (a preview's) always comes, and is not kept: it changes.
    const { assistant } = start;
    const profile = start.preview
      ? (assistant.definition as AssistantProfileDefinition | undefined)
      : ((assistant.definition &&
          this.assistants.remember(
            assistant.id,
            assistant.version,
            // Stored by the assistants module, checked by the profile schema when published.
            assistant.definition as AssistantProfileDefinition,
          )) ??
        this.assistants.cached(assistant.id, assistant.version));
    if (!profile) {
      // Cannot happen (the statement sends what the cache lacks, which never forgets): refused whole.
      this.generations.discard(generation);
      await this.sessions.discardTurn(generation.promptMessageId);
      throw new ApiError('internal_error', 'The assistant version could not be read.');
    }
    this.generations.confirmOwner(generation, start.owner);
    generation.replacesFrom = start.replacesFrom;
    if (watch) generation.watch(watch);
    generation.emit({
      type: 'start',
      session_id: publicSessionId(generation.sessionId),
      message_id: generation.messageId,
      stream_id: generation.streamId,
      model: this.model.modelName,
      assistant_id: assistant.id,
      assistant_version: assistant.version,
      ...(start.preview && { preview: true }),
      ...(start.created && newToken && { session_token: newToken }),
    });
    // The model calls are made once this turn of the event loop has read its other requests:
    // a wave of new streams would otherwise be started one after another, each behind the
    // previous one's SDK work, and the last `start` would wait for all of it.
    this.events.publish({
      type: 'turn_started',
      sessionId: generation.sessionId,
      streamId: generation.streamId,
      messageId: generation.messageId,
      assistantId: assistant.id,
      startedAt,
      prompt: {
        id: generation.promptMessageId,
        content: start.prompt,
        createdAt: new Date().toISOString(),
      },
      preview: start.preview,
    });
    // A person holds the conversation: the message is theirs to answer, not the model's.
    const turn =
      start.handoff === 'human'
        ? () => void this.passToStaff(generation, start, profile)
        : () => void this.runTurn(generation, start, profile, request.identity);
    setImmediate(turn);
    return generation;
  }

  /** The non-streaming call: the same turn, answered once it is over. */
  async reply(request: ChatRequest, caller: SessionCaller): Promise<ChatReply> {
    const collector = new ChatReplyCollector();
    const generation = await this.startTurn(request, caller, collector.collect);
    // Attached as a client, so that the turn is not orphaned while it runs.
    await lastValueFrom(generation.events$(), { defaultValue: undefined });
    return collector.result();
  }

  /** The session `sessionId` for a reload, to its owner only. */
  async transcript(publicId: string, caller: SessionCaller): Promise<SessionTranscript> {
    const sessionId = storedSessionId(publicId, caller.apiKeyId);
    const running = this.generations.runningForSession(sessionId);
    const session = await this.sessions.find(
      sessionId,
      running?.promptMessageId,
      running?.replacesFrom,
    );
    if (!session) throw new ApiError('not_found', 'No such session.');
    if (!ownsSession(caller, session.owner)) throw forbidden();
    const profile = await this.assistants.definition(
      session.assistant.id,
      session.assistant.version,
    );
    return {
      session_id: publicId,
      messages: session.messages,
      ...assessLead(profile, session.lead),
      email_status: session.emailStatus,
      active_stream: running
        ? { stream_id: running.streamId, message_id: running.messageId }
        : null,
      handoff: {
        state: session.handoff.state,
        ...(session.handoff.holderEmail && {
          agent: { name: staffDisplayName(session.handoff.holderEmail) },
        }),
      },
    };
  }

  private async runTurn(
    generation: Generation,
    start: Extract<TurnStart, { accepted: true }>,
    profile: AssistantProfileDefinition,
    identity: VisitorIdentity | undefined,
  ): Promise<void> {
    const turn: TurnProgress = { chunks: 0 };
    try {
      // With embeddings, the passages are found again by full text and vectors fused (the
      // question's embedding is needed first); otherwise the statement's full-text ones stand.
      if (this.retrieval.hybrid) {
        start = {
          ...start,
          passages: await this.retrieval.forTurn(
            start.assistant.id,
            start.prompt,
            start.passages,
            PASSAGES_PER_TURN,
          ),
        };
      }
      // What the host site vouches for (with its HMAC) is collected before the model reads the lead.
      if (identity) {
        start = {
          ...start,
          lead: {
            ...start.lead,
            ...(await this.identities.verified(profile, identity, start.lead)),
          },
        };
      }
      // Regenerating, the history stops before the message asked again: the conversation is the
      // one its first answer read, so the extractor finds the details it found then, no more.
      const conversation = conversationWindow(
        [...start.history.map(modelTurn), { role: 'user', content: start.prompt }],
        this.config.contextMaxChars,
      );
      const reply = this.streamReply(
        generation,
        profile,
        start.lead,
        conversation,
        start.passages,
        turn,
      );
      // The details are taken from what the visitor wrote, so they are read from the conversation
      // up to this message while the reply streams: `done` does not wait for a second call.
      const lead = this.extractor
        .extract(profile, conversation, start.lead)
        // Extractors do not throw; should one, the chat goes on, and a failed reply, which
        // leaves this promise unawaited, cannot turn it into an unhandled rejection.
        .catch((error: unknown) => {
          this.logger.error({ err: error }, 'Lead extraction threw');
          return start.lead;
        });
      const outcome = await reply;
      if (outcome.error) throw outcome.error;
      await this.completeTurn(generation, profile, start, outcome, await lead, turn);
    } catch (error) {
      await this.failTurn(generation, error, turn.chunks);
    } finally {
      generation.finish();
    }
  }

  /**
   * The turn failed: its message goes, so the transcript holds whole turns and a retry starts
   * clean; the visitor gets the error event.
   */
  private async failTurn(generation: Generation, error: unknown, chunks: number): Promise<void> {
    const event = toErrorEvent(error);
    const { sessionId, streamId } = generation;
    this.events.publish({ type: 'reply_failed', sessionId, streamId, code: event.code, chunks });
    if (event.code === 'internal_error') {
      this.logger.error({ err: error, streamId }, 'Turn failed');
    }
    await this.sessions
      .discardTurn(generation.promptMessageId)
      .catch((discardError: unknown) =>
        this.logger.error({ err: discardError }, 'Could not discard a failed turn'),
      );
    generation.emit(event);
  }

  /**
   * The turn of a conversation a staff member holds: the visitor's message joins the transcript
   * (and reaches staff on the session's channel), the lead stays as it is, and `done` says
   * `handoff`; no model call, no extraction.
   */
  private async passToStaff(
    generation: Generation,
    start: Extract<TurnStart, { accepted: true }>,
    profile: AssistantProfileDefinition,
  ): Promise<void> {
    const lead = assessLead(profile, start.lead);
    const { sessionId, streamId, messageId } = generation;
    try {
      await this.sessions.completeTurn({
        sessionId,
        leadId: start.leadId,
        userMessageId: generation.promptMessageId,
        lead: start.lead,
        isComplete: lead.is_complete,
        notifications: [],
      });
      generation.emit({ type: 'done', message_id: messageId, finish_reason: 'handoff', ...lead });
      this.events.publish({
        type: 'reply_completed',
        finishReason: 'handoff',
        sessionId,
        streamId,
        messageId,
        chunks: 0,
      });
    } catch (error) {
      await this.failTurn(generation, error, 0);
    } finally {
      generation.finish();
    }
  }

  private refusal(
    refused: Extract<TurnStart, { accepted: false }>,
    requested: string | undefined,
    preview: boolean,
  ): ApiError {
    const { reason } = refused;
    if (reason === 'forbidden') return forbidden();
    if (reason === 'assistant_not_found') {
      return new ApiError(
        'not_found',
        requested === undefined
          ? 'No default assistant is published.'
          : `No such assistant: ${requested} (unknown, archived or never published).`,
      );
    }
    if (refused.reason === 'assistant_mismatch') {
      return new ApiError(
        'invalid_request',
        `This session runs the assistant ${refused.assistantId}: start a new session to talk to ${requested}.`,
      );
    }
    if (reason === 'not_found') return new ApiError('not_found', 'No such session.');
    if (reason === 'preview_mismatch') {
      return new ApiError(
        'invalid_request',
        preview
          ? 'This session is not a preview: start a new session to preview the draft.'
          : 'This session previews a draft: only a preview call continues it.',
      );
    }
    if (reason === 'nothing_to_regenerate') {
      return new ApiError(
        'invalid_request',
        'Nothing to regenerate: the session has no message yet.',
      );
    }
    return reason === 'session_full'
      ? new ApiError(
          'invalid_request',
          `This conversation is full (${this.config.sessionMaxMessages} messages). Please start a new one.`,
        )
      : new ApiError(
          'internal_error',
          'No new conversations can be started right now. Please try again later.',
        );
  }

  /** Streams the model's reply into the generation until it finishes, fails or is aborted. */
  private streamReply(
    generation: Generation,
    profile: AssistantProfileDefinition,
    collected: LeadData,
    conversation: readonly ConversationTurn[],
    passages: readonly RetrievedPassage[],
    turn: TurnProgress,
  ): Promise<ReplyOutcome> {
    const lead = assessLead(profile, collected);
    const knowledge = knowledgePrompt(passages);
    const systemPrompt = knowledge
      ? `${buildSystemPrompt(profile, lead)}\n\n${knowledge}`
      : buildSystemPrompt(profile, lead);
    const data = collectedDataMessage(profile, lead);
    return new Promise<ReplyOutcome>((resolve) => {
      const onAbort = () => {
        subscription.unsubscribe();
        resolve({ finishReason: 'cancelled' });
      };
      const subscription = this.model
        .streamReply({ systemPrompt, data, conversation, assistant: profile, passages })
        .subscribe({
          next: (output) => {
            if (output.kind === 'delta') {
              generation.emit({ type: 'chunk', content: output.content });
              if (turn.chunks++ === 0) {
                this.events.publish({ type: 'first_token', streamId: generation.streamId });
              }
            } else {
              generation.signal.removeEventListener('abort', onAbort);
              resolve({ finishReason: output.finishReason, usage: output.usage });
            }
          },
          error: (error: unknown) => {
            generation.signal.removeEventListener('abort', onAbort);
            resolve({ finishReason: 'stop', error });
          },
        });
      if (generation.signal.aborted) onAbort();
      else generation.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Commits the turn in one statement (the visitor's message, the reply as streamed, the lead
   * and, on the turn that completes it, its notification), then says `done`, then tries the
   * notification once, for a bounded time.
   */
  private async completeTurn(
    generation: Generation,
    profile: AssistantProfileDefinition,
    { leadId, replacesFrom, preview, assistant, passages }: Extract<TurnStart, { accepted: true }>,
    outcome: ReplyOutcome,
    collected: LeadData,
    turn: TurnProgress,
  ): Promise<void> {
    // The reply is what was streamed: the transcript shares the generation's joined text.
    const text = generation.replyText;
    const lead = assessLead(profile, collected);
    const sources = sourceReferences(passages);
    const { completedNow, queued } = await this.sessions.completeTurn({
      sessionId: generation.sessionId,
      leadId,
      userMessageId: generation.promptMessageId,
      reply:
        text.length > 0
          ? {
              id: generation.messageId,
              content: text,
              finishReason: outcome.finishReason,
              ...(sources.length > 0 && { sources }),
            }
          : undefined,
      replacesFrom,
      lead: collected,
      isComplete: lead.is_complete,
      // A preview is never a lead: it notifies no one, and staff do not see it among leads.
      notifications: preview ? [] : this.notifications.toQueue(profile),
    });
    const { sessionId } = generation;
    if (!preview) this.events.publish({ type: 'lead_updated', sessionId, leadId, lead });
    // The passages the reply was given, as kept with it in the transcript.
    if (sources.length > 0) generation.emit({ type: 'sources', sources });
    generation.emit({
      type: 'done',
      message_id: generation.messageId,
      finish_reason: outcome.finishReason,
      ...lead,
      ...(outcome.usage && { usage: outcome.usage }),
    });
    const end = {
      sessionId,
      streamId: generation.streamId,
      messageId: generation.messageId,
      chunks: turn.chunks,
      ...(outcome.usage && { usage: outcome.usage }),
    };
    this.events.publish(
      outcome.finishReason === 'cancelled'
        ? { type: 'reply_cancelled', ...end }
        : { type: 'reply_completed', finishReason: outcome.finishReason, ...end },
    );
    if (completedNow && !preview) {
      this.events.publish({
        type: 'lead_completed',
        sessionId,
        assistantId: assistant.id,
        leadId,
        lead,
        notifications: queued,
      });
    }
    // The reply is complete: nothing after `done` may turn it into a failure. The webhook's first
    // attempt goes on without the turn (on `lead_completed`); the email's is awaited (for a
    // while), for `email_sent`, which follows `done` if the mail server accepted it by then.
    const email = queued.find((notification) => notification.channel === 'email');
    // The visitor learns that the details went out, never where to (recipients, a file path).
    if (email && (await this.notifications.sendEmailWithinTurn(email.id, sessionId))) {
      generation.emit({ type: 'email_sent', message: EMAIL_SENT_MESSAGE });
    }
  }
}

/** What the turn counts while it runs, for its end events. */
interface TurnProgress {
  chunks: number;
}

interface ReplyOutcome {
  finishReason: DoneEvent['finish_reason'];
  usage?: TokenUsage;
  error?: unknown;
}
