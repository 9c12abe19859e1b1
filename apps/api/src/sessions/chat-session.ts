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
