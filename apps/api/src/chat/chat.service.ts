import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { lastValueFrom, toArray } from 'rxjs';
import {
  type AssistantProfile,
  type ChatEvent,
  type ChatReply,
  type ChatRequest,
  type FinishReason,
  type LeadData,
  type LeadState,
  type SessionTranscript,
  type TokenUsage,
  type TranscriptMessage,
} from '@chat/contracts';
import { ApiError } from '../common/api-error';
import { ChatbotService } from '../chatbot/chatbot.service';
import type { ReplyRequest } from '../chatbot/model-output';
import { toUpstreamApiError } from '../chatbot/upstream-errors';
import { chatConfig } from '../config/chat.config';
import { LeadNotifier } from '../email/lead-notifier';
import { assessLead } from '../lead/lead-assessment';
import { LeadExtractor } from '../lead/lead-extractor';
import { buildSystemPrompt } from '../lead/system-prompt';
import type { AssistantProfileDefinition } from '../profile/assistant-profile';
import { toClientProfile } from '../profile/client-profile';
import { ASSISTANT_PROFILE } from '../profile/profile.tokens';
import { type ChatSession, newChatSession } from '../sessions/chat-session';
import { SessionStore } from '../sessions/session-store';
import type { Generation } from './generation/generation';
import { GenerationRegistry } from './generation/generation-registry';

/**
 * Runs the turns of a conversation: the user's message in, the reply streamed out as protocol
 * events, then data extraction and, on the turn that completes the lead, the notification.
 * A turn that fails is not kept (nothing half-written); a cancelled one keeps what was said.
 */
@Injectable()
export class ChatService {
  private readonly logger = new Logger(ChatService.name);

  constructor(
    private readonly generations: GenerationRegistry,
    private readonly sessions: SessionStore,
    private readonly chatbot: ChatbotService,
    private readonly extractor: LeadExtractor,
    private readonly notifier: LeadNotifier,
    @Inject(ASSISTANT_PROFILE) private readonly profile: AssistantProfileDefinition,
    @Inject(chatConfig.KEY) private readonly config: ConfigType<typeof chatConfig>,
  ) {}

  /** Starts a reply to `request`; its events flow through the returned generation. */
  startTurn(request: ChatRequest): Generation {
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
    void this.runTurn(generation, request.message);
    return generation;
  }

  /** The non-streaming call: the same turn, answered once it is over. */
  async reply(request: ChatRequest): Promise<ChatReply> {
    const generation = this.startTurn(request);
    const events = await lastValueFrom(generation.events$().pipe(toArray()));
    const reply: ChatReply = {
      session_id: generation.sessionId,
      message_id: generation.messageId,
      reply: '',
      data_collected: {},
      is_complete: false,
      missing_fields: [],
      email_sent: false,
    };
    for (const { json } of events) {
      const event = JSON.parse(json) as ChatEvent;
      switch (event.type) {
        case 'chunk':
          reply.reply += event.content;
          break;
        case 'done':
          reply.data_collected = event.data_collected;
          reply.is_complete = event.is_complete;
          reply.missing_fields = event.missing_fields;
          break;
        case 'email_sent':
          reply.email_sent = true;
          break;
        case 'error':
          throw new ApiError(event.code, event.message);
      }
    }
    return reply;
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

  clientProfile(): AssistantProfile {
    return toClientProfile(this.profile, { model: this.chatbot.modelName, demo: this.chatbot.isDemo });
  }

  private async runTurn(generation: Generation, message: string): Promise<void> {
    generation.emit({
      type: 'start',
      session_id: generation.sessionId,
      message_id: generation.messageId,
      stream_id: generation.streamId,
      model: this.chatbot.modelName,
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
      const apiError = toUpstreamApiError(error);
      if (apiError.code === 'internal_error') {
        this.logger.error({ err: error, streamId: generation.streamId }, 'Turn failed');
      }
      // The turn failed: the conversation goes back to how it was, so a retry starts clean.
      if (before) {
        await this.sessions
          .save({ ...before, updatedAt: new Date().toISOString() })
          .catch((saveError: unknown) => this.logger.error({ err: saveError }, 'Could not roll back a failed turn'));
      }
      generation.emit(apiError.toEvent());
    } finally {
      generation.finish();
    }
  }

  /** Streams the model's reply into the generation until it finishes, fails or is aborted. */
  private streamReply(
    generation: Generation,
    collected: LeadData,
    conversation: ReplyRequest['conversation'],
  ): Promise<ReplyOutcome> {
    const request: ReplyRequest = {
      systemPrompt: buildSystemPrompt(this.profile, assessLead(this.profile, collected)),
      conversation,
    };
    return new Promise<ReplyOutcome>((resolve) => {
      const onAbort = () => {
        subscription.unsubscribe();
        resolve({ finishReason: 'cancelled' });
      };
      const subscription = this.chatbot.streamReply(request).subscribe({
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
    const lead: LeadState = assessLead(this.profile, session.lead);
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
    const result = await this.notifier.notify({
      sessionId: session.id,
      profileName: this.profile.name,
      fields: this.profile.fields.map((field) => ({
        name: field.name,
        label: field.label,
        value: session.lead[field.name],
      })),
      transcript: session.messages.map(({ role, content, created_at }) => ({ role, content, created_at })),
    });
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
  finishReason: FinishReason;
  usage?: TokenUsage;
  error?: unknown;
}

function transcriptMessage(
  role: TranscriptMessage['role'],
  content: string,
  id: string = randomUUID(),
  finishReason?: FinishReason,
): TranscriptMessage {
  return {
    id,
    role,
    content,
    created_at: new Date().toISOString(),
    ...(finishReason && { finish_reason: finishReason }),
  };
}
