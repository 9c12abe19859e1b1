import { Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { type Database, DatabaseConnection, rowsOf } from '../database/database';
import type { NotificationChannel } from '@chat/contracts';
import { notifications } from '../database/schema';
import { type LeasedClaim, LeasedRows } from './leased-rows';

/** A notification an instance has claimed: its own until its lease ends. */
export interface ClaimedNotification extends LeasedClaim {
  leadId: string;
  channel: NotificationChannel;
  /** A webhook's own receiver (an assistant's); undefined: the deployment's. */
  targetUrl?: string;
}

/**
 * The durable outbox of lead notifications, claimed with a lease and settled by the claim they
 * belong to (`LeasedRows`), so that several workers never take the same notification at once.
 */
@Injectable()
export class NotificationOutbox {
  private readonly db: Database;
  private readonly rows: LeasedRows;

  constructor(connection: DatabaseConnection) {
    this.db = connection.db;
    this.rows = new LeasedRows(this.db, notifications);
  }

  /** Claims up to `limit` notifications due now, or the one `id` if it is due. */
  async claim(
    leaseMs: number,
    options: { limit: number; id?: string },
  ): Promise<ClaimedNotification[]> {
    const rows = await this.rows.claim<{
      id: string;
      lead_id: string;
      channel: NotificationChannel;
      target_url: string | null;
      attempts: number;
    }>(leaseMs, options, sql`id, lead_id, channel, target_url`);
    return rows.map((row) => ({
      id: row.id,
      leadId: row.lead_id,
      channel: row.channel,
      ...(row.target_url && { targetUrl: row.target_url }),
      attempt: row.attempts,
    }));
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

  markSent(claim: ClaimedNotification): Promise<void> {
    return this.rows.markSent(claim);
  }

  /** Back in the queue for another attempt at `next`; or `failed` when `next` is undefined. */
  markFailedAttempt(
    claim: ClaimedNotification,
    error: string,
    next: Date | undefined,
  ): Promise<void> {
    return this.rows.markFailedAttempt(claim, error, next);
  }
}
