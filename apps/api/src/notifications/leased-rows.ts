import { type SQL, sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../database/database';
import type { erasureNotices, notifications } from '../database/schema';

/** The tables whose rows are delivered with a lease: the notifications and the erasure notices. */
export type LeasedTable = typeof notifications | typeof erasureNotices;

/** A row an instance has claimed: `attempt` (1 for the first) fences its outcome against a later claim. */
export interface LeasedClaim {
  id: string;
  attempt: number;
}

/**
 * Claiming and settling rows of an outbox table, written once for every such table (they share
 * the columns `status`, `attempts`, `next_attempt_at`, `lease_until`, `last_error`, `sent_at`).
 * Claiming is one statement that skips the rows other instances hold locked, so several workers
 * never take the same row at the same time; a claim not settled within its lease (its instance
 * died) is claimed again. Outcomes are written only by the claim they belong to.
 */
export class LeasedRows {
  constructor(
    private readonly db: Database,
    private readonly table: LeasedTable,
  ) {}

  /** Claims up to `limit` rows due now, or the one `id` if it is due; answers the `returning` columns and `attempts`. */
  async claim<Row extends { attempts: number }>(
    leaseMs: number,
    options: { limit: number; id?: string },
    returning: SQL,
  ): Promise<Row[]> {
    const { table } = this;
    const { rows } = await rowsOf<Row>(
      this.db,
      sql`
        update ${table}
        set status = 'sending', attempts = attempts + 1, updated_at = now(),
            lease_until = now() + ${leaseMs} * interval '1 millisecond'
        where id in (
          select id from ${table}
          where ((status = 'queued' and next_attempt_at <= now()) or (status = 'sending' and lease_until < now()))
            ${options.id ? sql`and id = ${options.id}` : sql``}
          order by next_attempt_at
          limit ${options.limit}
          for update skip locked
        )
        returning ${returning}, attempts`,
    );
    return rows;
  }

  async markSent(claim: LeasedClaim): Promise<void> {
    await rowsOf(
      this.db,
      sql`update ${this.table}
          set status = 'sent', sent_at = now(), lease_until = null, last_error = null, updated_at = now()
          where ${this.heldBy(claim)}`,
    );
  }

  /** Back in the queue for another attempt at `next`; or `failed` when `next` is undefined. */
  async markFailedAttempt(
    claim: LeasedClaim,
    error: string,
    next: Date | undefined,
  ): Promise<void> {
    await rowsOf(
      this.db,
      sql`update ${this.table}
          set status = ${next ? 'queued' : 'failed'},
              next_attempt_at = ${next ? sql`${next.toISOString()}::timestamptz` : sql`now()`},
              lease_until = null, last_error = ${error}, updated_at = now()
          where ${this.heldBy(claim)}`,
    );
  }

  private heldBy(claim: LeasedClaim): SQL {
    return sql`id = ${claim.id} and status = 'sending' and attempts = ${claim.attempt}`;
  }
}
