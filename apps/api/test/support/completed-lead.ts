import { randomUUID } from 'node:crypto';
import type { NotificationChannel } from '@chat/contracts';
import type { SessionRepository } from '../../src/sessions/session-repository';

/** A completed lead with notifications queued on `channels`, as a turn leaves it: its id and the notifications' ids. */
export async function completedLead(
  sessions: SessionRepository,
  channels: NotificationChannel[],
): Promise<{ leadId: string; queued: { id: string; channel: NotificationChannel }[] }> {
  const sessionId = `s-${randomUUID()}`;
  const messageId = randomUUID();
  const start = await sessions.beginTurn({
    sessionId,
    tokenHash: undefined,
    newTokenHash: 'a'.repeat(64),
    leadId: randomUUID(),
    messageId,
    content: 'hi',
    maxMessages: 10,
    maxSessions: 10_000,
    historyLimit: 10,
  });
  if (!start.accepted) throw new Error('refused');
  const { queued } = await sessions.completeTurn({
    sessionId,
    leadId: start.leadId,
    userMessageId: messageId,
    lead: { name: 'Ada' },
    isComplete: true,
    notifications: channels.map((channel) => ({ id: randomUUID(), channel })),
  });
  return { leadId: start.leadId, queued };
}
