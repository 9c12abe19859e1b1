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
  TranscriptMessage,
} from '@chat/contracts';
import { ApiError } from '../common/api-error';
import { toErrorEvent } from '../common/error-event';
import { chatConfig } from '../config/chat.config';
import { leadNotificationOf } from '../email/lead-notification';
import { LeadNotifier } from '../email/lead-notifier';
import { assessLead } from '../lead/lead-assessment';
import { LeadExtractor } from '../lead/lead-extractor';
import { buildSystemPrompt } from '../lead/system-prompt';
import { ModelClient } from '../model/model-client';
import type { ConversationTurn } from '../model/model-output';
import type { AssistantProfileDefinition } from '../profile/assistant-profile';
import { ASSISTANT_PROFILE } from '../profile/profile.tokens';
import { type ChatSession, newChatSession } from '../sessions/chat-session';
import { SessionStore } from '../sessions/session-store';
import { ChatReplyCollector } from './chat-reply';
import type { Generation } from './generation/generation';
import { GenerationRegistry } from './generation/generation-registry';

/**
 * Runs the turns of a conversation: the user's message in, the reply streamed out as protocol
 * events, then data extraction and, on the turn that completes the lead, the notification.
 * A turn that fails is not kept (nothing half-written); a cancelled one keeps what was said.
 */
@Injectable()
export class ChatTurnService {
  private readonly logger = new Logger(ChatTurnService.name);

  constructor(
    private readonly generations: GenerationRegistry,
    private readonly sessions: SessionStore,
    private readonly model: ModelClient,
    private readonly extractor: LeadExtractor,
    private readonly notifier: LeadNotifier,
    @Inject(ASSISTANT_PROFILE) private readonly profile: AssistantProfileDefinition,
    @Inject(chatConfig.KEY) private readonly config: ConfigType<typeof chatConfig>,
  ) {}

  /**
   * Starts a reply to `request`; its events flow through the returned generation, and to
   * `watch`, if given, as objects from the first one on.
   */
  startTurn(request: ChatRequest, watch?: (event: ChatEvent) => void): Generation {
    if (request.message.trim().length === 0) {
      throw new ApiError('invalid_request', 'message must not be empty.');
    }
    if (request.message.length > this.config.messageMaxLength) {
      throw new ApiError(
        'invalid_request',
        `message must be at most ${this.config.messageMaxLength} characters.`,
      );
    }
    const generation = this.generations.start(request.session_id ?? randomUUID());
    if (watch) generation.watch(watch);
    void this.runTurn(generation, request.message);
    return generation;
  }

  /** The non-streaming call: the same turn, answered once it is over. */
  async reply(request: ChatRequest): Promise<ChatReply> {
    const collector = new ChatReplyCollector();
    const generation = this.startTurn(request, collector.collect);
    // Attached as a client, so that the turn is not orphaned while it runs.
    await lastValueFrom(generation.events$(), { defaultValue: undefined });
    return collector.result();
  }

  async transcript(sessionId: string): Promise<SessionTranscript> {
    const session = await this.sessions.get(sessionId);
    if (!session) throw new ApiError('not_found', 'No such session.');
    const running = this.generations.runningForSession(sessionId);
    return {
      session_id: session.id,
      messages: session.messages,
      ...assessLead(this.profile, session.lead),
      email_status: session.emailStatus,
      active_stream: running ? { stream_id: running.streamId, message_id: running.messageId } : null,
    };
  }

  private async runTurn(generation: Generation, message: string): Promise<void> {
    generation.emit({
      type: 'start',
      session_id: generation.sessionId,
      message_id: generation.messageId,
      stream_id: generation.streamId,
      model: this.model.modelName,
    });
    let before: ChatSession | undefined;
    try {
      const session = (await this.sessions.get(generation.sessionId)) ?? newChatSession(generation.sessionId);
      // The store hands out a copy, and a turn only appends messages and replaces `lead`: a copy
      // of the list is what a rollback needs, not a deep clone held for the whole reply.
      before = { ...session, messages: [...session.messages] };
      session.messages.push(transcriptMessage('user', message));
      await this.sessions.save(session);
      const conversation = session.messages.map(({ role, content }) => ({ role, content }));
      const current = session.lead;
      const reply = this.streamReply(generation, current, conversation);
      // The details are taken from what the visitor wrote, so they are read from the conversation
      // up to this message while the reply streams: `done` does not wait for a second call.
      const lead = this.extractor
        .extract(conversation, current)
        // Extractors do not throw; should one, the chat goes on, and a failed reply, which
        // leaves this promise unawaited, cannot turn it into an unhandled rejection.
        .catch((error: unknown) => {
          this.logger.error({ err: error }, 'Lead extraction threw');
          return current;
        });
      const outcome = await reply;
      if (outcome.error) throw outcome.error;
      await this.completeTurn(generation, session, outcome, await lead);
    } catch (error) {
      const event = toErrorEvent(error);
      if (event.code === 'internal_error') {
        this.logger.error({ err: error, streamId: generation.streamId }, 'Turn failed');
      }
      // The turn failed: the conversation goes back to how it was, so a retry starts clean.
      if (before) {
        await this.sessions
          .save({ ...before, updatedAt: new Date().toISOString() })
          .catch((saveError: unknown) => this.logger.error({ err: saveError }, 'Could not roll back a failed turn'));
      }
      generation.emit(event);
    } finally {
      generation.finish();
    }
  }

  /** Streams the model's reply into the generation until it finishes, fails or is aborted. */
  private streamReply(
    generation: Generation,
    collected: LeadData,
    conversation: readonly ConversationTurn[],
  ): Promise<ReplyOutcome> {
    const systemPrompt = buildSystemPrompt(this.profile, assessLead(this.profile, collected));
    return new Promise<ReplyOutcome>((resolve) => {
      const onAbort = () => {
        subscription.unsubscribe();
        resolve({ finishReason: 'cancelled' });
      };
      const subscription = this.model.streamReply({ systemPrompt, conversation }).subscribe({
        next: (output) => {
          if (output.kind === 'delta') {
            generation.emit({ type: 'chunk', content: output.content });
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

  private async completeTurn(
    generation: Generation,
    session: ChatSession,
    outcome: ReplyOutcome,
    collected: LeadData,
  ): Promise<void> {
    // The reply is what was streamed: the transcript shares the generation's joined text.
    const text = generation.replyText;
    if (text.length > 0) {
      session.messages.push(transcriptMessage('assistant', text, generation.messageId, outcome.finishReason));
    }
    session.lead = collected;
    const lead = assessLead(this.profile, session.lead);
    session.updatedAt = new Date().toISOString();
    const notify = lead.is_complete && session.emailStatus !== 'sent';
    await this.sessions.save(session);
    generation.emit({
      type: 'done',
      message_id: generation.messageId,
      finish_reason: outcome.finishReason,
      ...lead,
      ...(outcome.usage && { usage: outcome.usage }),
    });
    if (notify) {
      // The reply is complete: nothing after `done` may turn it into a failure.
      await this.notifyLead(generation, session).catch((error: unknown) =>
        this.logger.error({ err: error, sessionId: session.id }, 'Lead notification step failed'),
      );
    }
  }

  private async notifyLead(generation: Generation, session: ChatSession): Promise<void> {
    const result = await this.notifier.notify(leadNotificationOf(this.profile, session));
    session.emailStatus = result.status;
    await this.sessions.save(session);
    if (result.status === 'sent') {
      generation.emit({ type: 'email_sent', message: result.message });
    } else {
      this.logger.warn(`Lead notification for session ${session.id} failed: ${result.message}`);
    }
  }
}

interface ReplyOutcome {
  finishReason: DoneEvent['finish_reason'];
  usage?: TokenUsage;
  error?: unknown;
}

function transcriptMessage(
  role: TranscriptMessage['role'],
  content: string,
  id: string = randomUUID(),
  finishReason?: TranscriptMessage['finish_reason'],
): TranscriptMessage {
  return {
    id,
    role,
    content,
    created_at: new Date().toISOString(),
    ...(finishReason && { finish_reason: finishReason }),
  };
}
