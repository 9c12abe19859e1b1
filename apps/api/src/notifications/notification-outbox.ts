import { Injectable } from '@nestjs/common';
import { and, eq, sql } from 'drizzle-orm';
import { type Database, DatabaseConnection, rowsOf } from '../database/database';
import type { NotificationChannel } from '@chat/contracts';
import { notifications } from '../database/schema';

/** A notification an instance has claimed: its own until its lease ends. */
export interface ClaimedNotification {
  id: string;
  leadId: string;
  channel: NotificationChannel;
  /** This attempt's number (1 for the first): it fences the outcome against a later claim. */
  attempt: number;
}

/**
 * The durable outbox of lead notifications. Claiming is one statement that skips the rows other
 * instances hold locked, so several workers never take the same notification at the same time;
 * a claim that is not settled within its lease (its instance died) is claimed again. Outcomes
 * are written only by the claim they belong to (the attempt number fences them).
 */
@Injectable()
export class NotificationOutbox {
  private readonly db: Database;

  constructor(connection: DatabaseConnection) {
    this.db = connection.db;
  }

  /** Claims up to `limit` notifications due now, or the one `id` if it is due. */
  async claim(leaseMs: number, options: { limit: number; id?: string }): Promise<ClaimedNotification[]> {
    const { rows } = await rowsOf<{ id: string; lead_id: string; channel: NotificationChannel; attempts: number }>(
      this.db,
      sql`
        update ${notifications}
        set status = 'sending', attempts = attempts + 1, updated_at = now(),
            lease_until = now() + ${leaseMs} * interval '1 millisecond'
        where id in (
          select id from ${notifications}
          where ((status = 'queued' and next_attempt_at <= now()) or (status = 'sending' and lease_until < now()))
            ${options.id ? sql`and id = ${options.id}` : sql``}
          order by next_attempt_at
          limit ${options.limit}
          for update skip locked
        )
        returning id, lead_id, channel, attempts`,
    );
    return rows.map((row) => ({ id: row.id, leadId: row.lead_id, channel: row.channel, attempt: row.attempts }));
  }

  /**
   * How long the oldest notification not yet delivered (queued, or claimed and being sent) has
   * waited, in seconds; 0 when there is none. Read at each metrics scrape: it goes through the
   * status index and reads the undelivered rows only, few while delivery keeps up.
   */
  async oldestUndeliveredAgeSeconds(): Promise<number> {
    const { rows } = await rowsOf<{ age: number | string | null }>(
      this.db,
      sql`select extract(epoch from now() - min(created_at)) as age from ${notifications}
          where status in ('queued', 'sending')`,
    );
    return Math.max(0, Number(rows[0]?.age ?? 0));
  }

  async markSent(claim: ClaimedNotification): Promise<void> {
    await this.db
      .update(notifications)
      .set({ status: 'sent', sentAt: sql`now()`, leaseUntil: null, lastError: null, updatedAt: sql`now()` })
      .where(this.heldBy(claim));
  }

  /** Back in the queue for another attempt at `next`; or `failed` when `next` is undefined. */
  async markFailedAttempt(claim: ClaimedNotification, error: string, next: Date | undefined): Promise<void> {
    await this.db
      .update(notifications)
      .set({
        status: next ? 'queued' : 'failed',
        nextAttemptAt: next ?? sql`now()`,
        leaseUntil: null,
        lastError: error,
        updatedAt: sql`now()`,
      })
      .where(this.heldBy(claim));
  }

  private heldBy(claim: ClaimedNotification) {
    return and(
      eq(notifications.id, claim.id),
      eq(notifications.status, 'sending'),
      eq(notifications.attempts, claim.attempt),
    );
  }
}
