import type {
  LeadEmailStatus,
  LeadStateName,
  NotificationChannel,
  NotificationStatus,
} from '@chat/contracts';

export const STATE_LABELS: Readonly<Record<LeadStateName, string>> = {
  collecting: 'Collecting',
  complete: 'Complete',
};

/** A lead's notifications together, and one notification's delivery. */
export const NOTIFICATION_LABELS: Readonly<Record<LeadEmailStatus | NotificationStatus, string>> = {
  not_sent: 'Not sent',
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
};

export const CHANNEL_LABELS: Readonly<Record<NotificationChannel, string>> = {
  email: 'Email',
  webhook: 'Webhook',
};

/** A pipeline stage as a person reads it: `call_back` is "Call back". */
export function stageLabel(stage: string): string {
  const words = stage.replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
