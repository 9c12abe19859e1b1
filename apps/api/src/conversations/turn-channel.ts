import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { encodeEventData } from '@chat/contracts';
import { LeadEvents } from '../leads/lead-events';
import { TurnEvents } from '../turn-events/turn-events';
import { ConversationEvents } from './conversation-events';
import { SessionChannel } from './session-channel';

/**
 * Puts each chat turn on its session's live channel (the visitor's message, then the turn,
 * whose events readers follow from its stream) and tells the staff's Conversations feed; and
 * removes the channel of an erased session, on every instance.
 */
@Injectable()
export class TurnChannel implements OnModuleInit {
  private readonly logger = new Logger(TurnChannel.name);

  constructor(
    private readonly turns: TurnEvents,
    private readonly channel: SessionChannel,
    private readonly conversations: ConversationEvents,
    private readonly leads: LeadEvents,
  ) {}

  onModuleInit(): void {
    this.turns.on('turn_started', async ({ sessionId, streamId, prompt, preview }) => {
      if (preview) return;
      this.conversations.changed(sessionId);
      const message = {
        type: 'message' as const,
        message: {
          id: prompt.id,
          role: 'user' as const,
          content: prompt.content,
          created_at: prompt.createdAt,
        },
      };
      try {
        await this.channel.append(
          sessionId,
          { event: encodeEventData(message) },
          { turn: streamId },
        );
      } catch (error) {
        // The turn goes on; a reader who missed it finds it in the transcript.
        this.logger.warn(`Turn ${streamId} not put on its session's channel (${String(error)})`);
      }
    });
    for (const type of ['reply_completed', 'reply_cancelled', 'reply_failed'] as const) {
      this.turns.on(type, ({ sessionId }) => this.conversations.changed(sessionId));
    }
    this.leads.onErased(async ({ sessionId }, here) => {
      await this.channel.forget(sessionId);
      if (here) this.conversations.erased(sessionId);
    });
  }
}
