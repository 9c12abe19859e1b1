import type { TranscriptMessage } from '@chat/contracts';
import type { AssistantProfileDefinition } from '../profile/assistant-profile';
import type { CollectedLead } from '../sessions/session-repository';

/** What the lead notification tells the sales team: the collected fields and the conversation. */
export interface LeadNotification {
  sessionId: string;
  /** e.g. "Trading education assistant". */
  profileName: string;
  /** In profile order; values come from visitors and are untrusted. */
  fields: { name: string; label: string; value: string | undefined }[];
  transcript: Pick<TranscriptMessage, 'role' | 'content' | 'created_at' | 'author'>[];
  /** The assistant's own recipients (`notifications.email_recipients`); none: `LEAD_NOTIFY_TO`. */
  recipients?: string[];
}

export type LeadNotificationResult =
  /** `message` says where it went, for the logs (never shown to a visitor). */
  | { status: 'sent'; transport: 'smtp' | 'outbox'; messageId: string; message: string }
  /** `message` is safe to show and log: it never holds the SMTP URL or a password. */
  | { status: 'failed'; message: string };

/** The notification of a session's lead: every field of the profile, and the conversation. */
export function leadNotificationOf(profile: AssistantProfileDefinition, lead: CollectedLead): LeadNotification {
  return {
    sessionId: lead.sessionId,
    profileName: profile.name,
    fields: profile.fields.map(({ name, label }) => ({ name, label, value: lead.fields[name] })),
    transcript: lead.messages.map(({ role, content, created_at, author }) => ({
      role,
      content,
      created_at,
      ...(author && { author }),
    })),
    ...(profile.notifications?.email_recipients.length && { recipients: profile.notifications.email_recipients }),
  };
}
