import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { PublishedAssistants } from '../assistants/published-assistants';
import { handoffConfig } from '../config/handoff.config';
import { outboxConfig } from '../config/outbox.config';
import { LeadNotifier } from '../email/lead-notifier';
import { nextAttemptAt } from '../notifications/retry-delay';
import { publicSessionId } from '../sessions/session-namespace';
import { type DueReminder, HandoffStore } from './handoff-store';

/**
 * Emails staff about each request for a person nobody took within `HANDOFF_EMAIL_AFTER_MS`:
 * once per request, through the same mail path as lead notifications, retried with the
 * outbox's backoff. The reminder is a row's state, claimed with a lease, so a restart (or a
 * crash mid-send) only delays it; a request taken or declined first is never emailed.
 */
@Injectable()
export class HandoffReminders implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HandoffReminders.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: HandoffStore,
    private readonly mail: LeadNotifier,
    private readonly assistants: PublishedAssistants,
    @Inject(handoffConfig.KEY) private readonly config: ConfigType<typeof handoffConfig>,
    @Inject(outboxConfig.KEY) private readonly outbox: ConfigType<typeof outboxConfig>,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.emailAfterMs === 0) return;
    this.timer = setInterval(() => {
      this.running ??= this.sendDue()
        .then(() => undefined)
        .finally(() => (this.running = undefined));
    }, this.outbox.pollMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Sends the reminders due now; answers how many went out. */
  async sendDue(): Promise<number> {
    let sent = 0;
    try {
      const due = await this.store.claimDueReminders(10, this.outbox.leaseMs);
      for (const reminder of due) if (await this.send(reminder)) sent += 1;
    } catch (error) {
      this.logger.warn(`Handoff reminders not read (${String(error)})`);
    }
    return sent;
  }

  private async send(reminder: DueReminder): Promise<boolean> {
    const { sessionId } = reminder;
    const assistant = await this.assistants
      .definition(reminder.assistant.id, reminder.assistant.version)
      .catch(() => undefined);
    const waited = Math.round((Date.now() - reminder.requestedAt.getTime()) / 60_000);
    const result = await this.mail.notifyStaff(
      sessionId,
      {
        subject: `A visitor is waiting for a person${assistant ? ` (${assistant.name})` : ''}`,
        text: [
          `A visitor asked to talk to a person ${waited < 1 ? 'less than a minute' : `${waited} minute(s)`} ago, and nobody has taken the conversation yet.`,
          '',
          `Conversation: ${publicSessionId(sessionId)}`,
          `Asked at: ${reminder.requestedAt.toISOString()}`,
          '',
          'Open Conversations in the staff area to take it over.',
          '',
        ].join('\n'),
      },
      assistant?.notifications?.email_recipients,
    );
    if (result.status === 'sent') {
      await this.store.reminderDone(sessionId);
      return true;
    }
    await this.store.reminderFailed(sessionId, nextAttemptAt(this.outbox, reminder.attempts + 1));
    return false;
  }
}
