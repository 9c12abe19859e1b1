import { Injectable } from '@nestjs/common';
import { sql } from 'drizzle-orm';
import { DatabaseConnection } from '../database/database';
import { erasureNotices } from '../database/schema';
import { type LeasedClaim, LeasedRows } from './leased-rows';

/** An erasure notice an instance has claimed: its own until its lease ends. */
export interface ClaimedErasureNotice extends LeasedClaim {
  leadId: string;
  erasedAt: Date;
  /** The receiver that was sent the lead, when it was an assistant's own. */
  targetUrl?: string;
}

/**
 * The `lead.erased` notices owed to the webhook, which the erasure itself writes (a trigger, see
 * `erasureNotices`): claimed with a lease and settled by their claim, as the notifications are.
 */
@Injectable()
export class ErasureNoticeOutbox {
  private readonly rows: LeasedRows;

  constructor(connection: DatabaseConnection) {
    this.rows = new LeasedRows(connection.db, erasureNotices);
  }

  /** Claims up to `limit` notices due now. */
  async claim(leaseMs: number, limit: number): Promise<ClaimedErasureNotice[]> {
    const rows = await this.rows.claim<{
      id: string;
      lead_id: string;
      erased_at: Date | string;
      target_url: string | null;
      attempts: number;
    }>(leaseMs, { limit }, sql`id, lead_id, erased_at, target_url`);
    return rows.map((row) => ({
      id: row.id,
      leadId: row.lead_id,
      erasedAt: new Date(row.erased_at),
      ...(row.target_url && { targetUrl: row.target_url }),
      attempt: row.attempts,
    }));
  }

  markSent(claim: ClaimedErasureNotice): Promise<void> {
    return this.rows.markSent(claim);
  }

  /** Back in the queue for another attempt at `next`; or `failed` when `next` is undefined. */
  markFailedAttempt(
    claim: ClaimedErasureNotice,
    error: string,
    next: Date | undefined,
  ): Promise<void> {
    return this.rows.markFailedAttempt(claim, error, next);
  }
}
