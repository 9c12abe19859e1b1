/** What the lead notification tells the sales team: the collected fields and the conversation. */
export interface LeadNotification {
  sessionId: string;
  /** e.g. "Trading education assistant". */
  profileName: string;
  /** In profile order; values come from visitors and are untrusted. */
  fields: { name: string; label: string; value: string | undefined }[];
  transcript: { role: 'user' | 'assistant'; content: string; created_at: string }[];
}

export type LeadNotificationResult =
  /** `message` is human text for the `email_sent` event. */
  | { status: 'sent'; transport: 'smtp' | 'outbox'; messageId: string; message: string }
  /** `message` is safe to show and log: it never holds the SMTP URL or a password. */
  | { status: 'failed'; message: string };
