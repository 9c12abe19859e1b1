import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  encodeEventData,
  type HandoffEvent,
  type HandoffStatus,
  type SessionEvent,
  STAFF_MESSAGE_MAX_LENGTH,
  type TranscriptMessage,
} from '@chat/contracts';
import { staffDisplayName } from '../access/staff-display-name';
import { PublishedAssistants } from '../assistants/published-assistants';
import { GenerationRegistry } from '../chat/generation/generation-registry';
import { ApiError } from '../common/api-error';
import { handoffConfig } from '../config/handoff.config';
import { ApiMetrics } from '../metrics/api-metrics';
import { ownsSession, type SessionCaller } from '../sessions/session-owner';
import { forbidden } from '../sessions/session-token';
import { ConversationEvents } from './conversation-events';
import { type HandoffSession, HandoffStore, type StaffActor } from './handoff-store';
import { isOpen } from './opening-hours';
import { SessionChannel } from './session-channel';
import { StaffPresence } from './staff-presence';

/** The fewest milliseconds between two typing notes of one conversation that are passed on. */
const TYPING_EVERY_MS = 2_000;

const typingKey = (sessionId: string, role: 'staff' | 'user') => `${role}:${sessionId}`;

function notFound(): ApiError {
  return new ApiError('not_found', 'No such conversation.');
}

function heldBy(holder: StaffActor): ApiError {
  return new ApiError(
    'conflict',
    `${staffDisplayName(holder.email)} (${holder.email}) has this conversation.`,
  );
}

/**
 * People in the conversation (PROTOCOL.md v3): a visitor asks for a person, staff take a
 * conversation over, write in it and give it back. Each change is one conditional statement
 * (`HandoffStore`), then it is told on the session's live channel (the visitor, and staff
 * watching it, on any instance) and on the staff's Conversations feed.
 */
@Injectable()
export class HandoffService {
  private readonly logger = new Logger(HandoffService.name);
  private readonly lastTyping = new Map<string, number>();

  constructor(
    private readonly store: HandoffStore,
    private readonly channel: SessionChannel,
    private readonly events: ConversationEvents,
    private readonly presence: StaffPresence,
    private readonly assistants: PublishedAssistants,
    private readonly generations: GenerationRegistry,
    private readonly metrics: ApiMetrics,
    @Inject(handoffConfig.KEY) private readonly config: ConfigType<typeof handoffConfig>,
  ) {}

  /** The session, to its owner only; a staff preview's is not a conversation. */
  async ownedSession(sessionId: string, caller: SessionCaller): Promise<HandoffSession> {
    const session = await this.store.session(sessionId);
    if (!session) throw notFound();
    if (!ownsSession(caller, session.owner)) throw forbidden();
    if (session.preview) {
      throw new ApiError('invalid_request', 'A preview of a draft has no people in it.');
    }
    return session;
  }

  /** Where the session's handoff stands, as its visitor sees it. */
  statusOf(session: Pick<HandoffSession, 'state' | 'holder'>): HandoffStatus {
    return {
      state: session.state,
      ...(session.state === 'human' &&
        session.holder && { agent: { name: staffDisplayName(session.holder.email) } }),
    };
  }

  /**
   * The visitor asks for a person: offered to the next staff member online, if the assistant's
   * hours are open; otherwise the request waits, and the visitor is told so. Asked again, the
   * answer is the state as it is.
   */
  async request(sessionId: string, caller: SessionCaller): Promise<HandoffStatus> {
    const session = await this.ownedSession(sessionId, caller);
    if (session.messageCount === 0) throw notFound();
    if (session.state !== 'assistant') return this.statusOf(session);
    const profile = await this.assistants.definition(
      session.assistant.id,
      session.assistant.version,
    );
    const open = isOpen(profile.handoff?.hours);
    const assignee = open ? await this.store.nextOnline(await this.presence.online()) : undefined;
    const remindAt =
      this.config.emailAfterMs > 0 ? new Date(Date.now() + this.config.emailAfterMs) : undefined;
    const changed = await this.store.request(sessionId, assignee?.id, remindAt);
    if (!changed) return this.statusOf((await this.store.session(sessionId)) ?? session);
    const status: HandoffStatus = {
      state: 'requested',
      available: assignee !== undefined,
      ...(!open ? { reason: 'closed' as const } : !assignee && { reason: 'offline' as const }),
    };
    this.metrics.handoff('requested');
    await this.tell(sessionId, { type: 'handoff', ...status });
    return status;
  }

  /** `staff` takes the conversation over: the assistant stops at once (a running reply is cancelled). */
  async takeover(sessionId: string, staff: StaffActor): Promise<void> {
    const outcome = await this.store.takeover(sessionId, staff);
    if (!outcome) throw notFound();
    if (!outcome.taken) throw heldBy(outcome.holder);
    if (outcome.from === 'human') return;
    await this.generations.abortSession(sessionId, 'handoff');
    this.metrics.handoff('taken');
    await this.tell(sessionId, {
      type: 'handoff',
      state: 'human',
      agent: { name: staffDisplayName(staff.email) },
    });
  }

  /** Back to the assistant, which reads the whole transcript at the visitor's next message. */
  async release(sessionId: string, staff: StaffActor, admin: boolean): Promise<void> {
    const outcome = await this.store.release(sessionId, staff, admin);
    if (!outcome) throw notFound();
    if (!outcome.released) {
      // Nobody asked for a person and nobody holds it: already the assistant's.
      if (!outcome.holder) return;
      throw heldBy(outcome.holder);
    }
    this.metrics.handoff('released');
    await this.tell(sessionId, { type: 'handoff', state: 'assistant' });
  }

  /** A staff member's message to the visitor; only the one holding the conversation writes. */
  async write(sessionId: string, staff: StaffActor, content: string): Promise<TranscriptMessage> {
    const text = content.trim();
    if (text.length === 0 || text.length > STAFF_MESSAGE_MAX_LENGTH) {
      throw new ApiError(
        'invalid_request',
        `content must be 1-${STAFF_MESSAGE_MAX_LENGTH} characters.`,
      );
    }
    const outcome = await this.store.addStaffMessage(sessionId, staff, text);
    if (!outcome.written) {
      if (outcome.reason === 'not_found') throw notFound();
      throw new ApiError('conflict', 'Take the conversation over before writing in it.');
    }
    if (outcome.firstAnswerAfterMs !== undefined)
      this.metrics.staffReplied(outcome.firstAnswerAfterMs);
    // The message ends the staff member's typing: the next note is passed on at once.
    this.lastTyping.delete(typingKey(sessionId, 'staff'));
    await this.tell(sessionId, { type: 'message', message: outcome.message });
    return outcome.message;
  }

  /** Someone is writing: passed on at most every `TYPING_EVERY_MS` per conversation and side, not kept. */
  typing(sessionId: string, role: 'staff' | 'user'): void {
    const key = typingKey(sessionId, role);
    const now = Date.now();
    if (now - (this.lastTyping.get(key) ?? 0) < TYPING_EVERY_MS) return;
    this.lastTyping.set(key, now);
    if (this.lastTyping.size > 10_000) this.lastTyping.clear();
    this.channel.announce(sessionId, { event: encodeEventData({ type: 'typing', role }) });
  }

  /** The staff member holds the conversation, or is told who does. */
  async assertHolder(sessionId: string, staff: StaffActor): Promise<void> {
    const session = await this.store.session(sessionId);
    if (!session || session.preview) throw notFound();
    if (session.state !== 'human' || session.holder?.id !== staff.id) {
      throw session.holder && session.holder.id !== staff.id
        ? heldBy(session.holder)
        : new ApiError('conflict', 'Take the conversation over before writing in it.');
    }
  }

  /** On the session's channel (for the visitor and staff watching) and the staff's feed. */
  private async tell(sessionId: string, event: SessionEvent | HandoffEvent): Promise<void> {
    this.events.changed(sessionId);
    try {
      await this.channel.append(sessionId, { event: encodeEventData(event) });
    } catch (error) {
      // Stored already: a visitor who missed it reads it from the transcript on reconnecting.
      this.logger.warn(`Session channel not told of a ${event.type} (${String(error)})`);
    }
  }
}
