import { sql } from 'drizzle-orm';
import { leads, sessions } from './schema';

/**
 * A lead erased with its session (by staff or by the retention sweep). Whether its webhook
 * receiver must hear of it is not told here: the erasure's own statement leaves that notice in
 * `erasure_notices` (a trigger on the webhook notification it deletes, migration 0003).
 */
export interface ErasedLead {
  id: string;
  sessionId: string;
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
};
