import type { LeadData, LeadEmailStatus, TranscriptMessage } from '@chat/contracts';

/** A visitor's conversation and what has been collected about them. */
export interface ChatSession {
  id: string;
  messages: TranscriptMessage[];
  lead: LeadData;
  emailStatus: LeadEmailStatus;
  createdAt: string;
  updatedAt: string;
}

export function newChatSession(id: string, now = new Date()): ChatSession {
  const timestamp = now.toISOString();
  return {
    id,
    messages: [],
    lead: {},
    emailStatus: 'not_sent',
    createdAt: timestamp,
    updatedAt: timestamp,
  };
}

/**
 * A copy that shares nothing mutable with `session`. Its fields are strings, flat records and a
 * list of flat records, so spreading each is a deep copy, several times cheaper than
 * `structuredClone` on the path of every turn.
 */
export function copyChatSession(session: ChatSession): ChatSession {
  return {
    ...session,
    messages: session.messages.map((message) => ({ ...message })),
    lead: { ...session.lead },
  };
}
