import { sql } from 'drizzle-orm';
import { leads, notifications, sessions } from './schema';

/** A lead erased with its session (by staff or by the retention sweep). */
export interface ErasedLead {
  id: string;
  sessionId: string;
  /**
   * Whether the lead was queued for the webhook: its receiver may hold it (an attempt that failed
   * may have reached it, and a retry resets the count), so it hears of the erasure.
   */
  webhookTold: boolean;
}

// Qualified: Drizzle names a RETURNING column bare, which a subquery on `leads` would take as its own.
const erasedSessionId = sql`"sessions"."id"`;

/**
 * What a `delete from sessions … returning` tells of each erased session's lead, for the copies
 * to remove: read in the statement's own snapshot, so the rows its cascade deletes still show.
 */
export const ERASED_LEAD = {
  id: sql<string>`(select l.id from ${leads} l where l.session_id = ${erasedSessionId})`,
  sessionId: sessions.id,
  webhookTold: sql<boolean>`exists (select 1 from ${notifications} n join ${leads} l on l.id = n.lead_id
    where l.session_id = ${erasedSessionId} and n.channel = 'webhook')`,
};
