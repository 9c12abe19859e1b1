import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createTransport, type Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { mailConfig } from '../config/mail.config';
import { composeLeadEmail } from './lead-email';
import type { LeadNotification, LeadNotificationResult } from './lead-notification';
import { describeSmtpFailure, formatMailFailure, mailFailureOf } from './mail-failure';
import { outboxFileName, removeFromOutbox, writeToOutbox } from './mail-outbox';

export type { LeadNotification, LeadNotificationResult } from './lead-notification';

/** Whom and what a message is about, for its recipients and the logs. */
interface MailAbout {
  sessionId: string;
  recipients: string[];
  what: string;
}

/**
 * Sends the lead notification to the sales team: over SMTP when `SMTP_URL` is set, otherwise
 * into the outbox folder as an `.eml` file, so that a local run loses no lead and needs no
 * mail server. A failure is a result, never an exception: the chat goes on either way.
 */
@Injectable()
export class LeadNotifier implements OnApplicationShutdown {
  private readonly logger = new Logger(LeadNotifier.name);
  private readonly transport: Transporter;

  constructor(@Inject(mailConfig.KEY) private readonly config: ConfigType<typeof mailConfig>) {
    this.transport = config.smtpUrl
      ? createTransport({
          url: config.smtpUrl,
          connectionTimeout: config.smtpTimeoutMs,
          greetingTimeout: config.smtpTimeoutMs,
          socketTimeout: config.smtpTimeoutMs,
          dnsTimeout: config.smtpTimeoutMs,
        })
      : createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async notify(lead: LeadNotification): Promise<LeadNotificationResult> {
    let message: Mail.Options;
    try {
      const email = composeLeadEmail(lead);
      message = { from: this.config.from, to: this.recipientsOf(lead), ...email };
    } catch (error) {
      this.logger.error(
        `Lead notification for session ${lead.sessionId} could not be composed: ${formatMailFailure(mailFailureOf(error))}`,
      );
      return {
        status: 'failed',
        message: 'Lead notification failed: the message could not be composed',
      };
    }
    const about = { sessionId: lead.sessionId, recipients: this.recipientsOf(lead), what: 'Lead notification' };
    return this.config.smtpUrl ? this.sendBySmtp(about, message) : this.writeToOutbox(about, message);
  }

  /**
   * Another message to staff about a session (a request for a person nobody took): to
   * `recipients`, else the deployment's, by the same way as lead notifications.
   */
  async notifyStaff(
    sessionId: string,
    email: { subject: string; text: string },
    recipients?: string[],
  ): Promise<LeadNotificationResult> {
    const about = {
      sessionId,
      recipients: recipients?.length ? recipients : this.config.leadNotifyTo,
      what: 'Staff notification',
    };
    const message = { from: this.config.from, to: about.recipients, ...email };
    return this.config.smtpUrl ? this.sendBySmtp(about, message) : this.writeToOutbox(about, message);
  }

  /** The assistant's recipients, else the deployment's (`LEAD_NOTIFY_TO`). */
  private recipientsOf(lead: LeadNotification): string[] {
    return lead.recipients ?? this.config.leadNotifyTo;
  }

  /** Deletes the session's messages from the outbox folder (its lead is erased); answers how many. */
  async removeFromOutbox(sessionId: string): Promise<number> {
    const removed = await removeFromOutbox(this.config.outboxDir, sessionId);
    if (removed > 0)
      this.logger.log(
        `Erased lead of session ${sessionId}: ${removed} message(s) removed from the outbox`,
      );
    return removed;
  }

  /** Last, once the deliveries under way have finished (they are awaited before shutdown). */
  onApplicationShutdown(): void {
    this.transport.close();
  }

  private async sendBySmtp(
    lead: MailAbout,
    message: Mail.Options,
  ): Promise<LeadNotificationResult> {
    try {
      const info = await this.transport.sendMail(message);
      const rejected = Array.isArray(info.rejected) ? info.rejected.length : 0;
      if (rejected > 0) {
        this.logger.warn(
          `${lead.what} for session ${lead.sessionId}: ${rejected} recipient(s) refused by the mail server`,
        );
      }
      this.logger.log(
        `${lead.what} for session ${lead.sessionId} sent by SMTP (${info.messageId})`,
      );
      return {
        status: 'sent',
        transport: 'smtp',
        messageId: info.messageId,
        message: `${lead.what} sent to ${lead.recipients.join(', ')}`,
      };
    } catch (error) {
      const failure = mailFailureOf(error);
      this.logger.error(
        `${lead.what} for session ${lead.sessionId} failed over SMTP: ${formatMailFailure(failure)}`,
      );
      return { status: 'failed', message: describeSmtpFailure(failure) };
    }
  }

  private async writeToOutbox(
    lead: MailAbout,
    message: Mail.Options,
  ): Promise<LeadNotificationResult> {
    const fileName = outboxFileName(lead.sessionId);
    // Shown as configured (relative to the working directory by default), as an operator would type it.
    const shownPath = join(this.config.outboxDir, fileName);
    try {
      const info = await this.transport.sendMail(message);
      await writeToOutbox(this.config.outboxDir, fileName, info.message as Buffer);
      this.logger.warn(
        `No SMTP server configured: ${lead.what.toLowerCase()} for session ${lead.sessionId} written to ${shownPath}`,
      );
      return {
        status: 'sent',
        transport: 'outbox',
        messageId: info.messageId,
        message: `No SMTP server configured: ${lead.what.toLowerCase()} written to ${shownPath}`,
      };
    } catch (error) {
      const failure = mailFailureOf(error);
      this.logger.error(
        `${lead.what} for session ${lead.sessionId} could not be written to the outbox: ${formatMailFailure(failure)}`,
      );
      return {
        status: 'failed',
        message: `${lead.what} failed: it could not be written to the outbox${failure.code ? ` (${failure.code})` : ''}`,
      };
    }
  }
}
