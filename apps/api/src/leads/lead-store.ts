import { Injectable } from '@nestjs/common';
import { eq, type SQL, sql } from 'drizzle-orm';
import {
  type LeadActivity,
  type LeadDetail,
  type LeadNotification,
  type LeadQuery,
  type LeadSummary,
  LEADS_PAGE_DEFAULT,
  type SourceReference,
  type TranscriptFinishReason,
  type TranscriptRole,
} from '@chat/contracts';
import { ApiError } from '../common/api-error';
import { type Database, DatabaseConnection, rowsOf } from '../database/database';
import {
  assistants,
  leadActivity,
  leads,
  messages,
  notifications,
  sessions,
  staffUsers,
} from '../database/schema';
import { ERASED_LEAD, type ErasedLead } from '../database/erased-lead';

/** Where a page ended: the last lead's creation time (to the microsecond, as text) and id. */
interface Cursor {
  createdAt: string;
  id: string;
}

/** A timestamp as ISO 8601 text with its microseconds (a JavaScript Date would drop them). */
const isoText = (column: string) =>
  sql`to_char(${sql.raw(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const NOTIFICATION_COLUMNS = sql`id, channel, status, attempts, last_error,
  case when status = 'queued' then ${isoText('next_attempt_at')} end as next_attempt_at,
  ${isoText('sent_at')} as sent_at`;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const [createdAt, id] = JSON.parse(
      Buffer.from(text, 'base64url').toString('utf8'),
    ) as unknown[];
    if (
      typeof createdAt === 'string' &&
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(createdAt) &&
      typeof id === 'string' &&
      /^[0-9a-f-]{36}$/.test(id)
    ) {
      return { createdAt, id };
    }
  } catch {
    // Answered below.
  }
  throw new ApiError('invalid_request', 'cursor is not one this API gave.');
}

/**
 * Stored leads as the staff and integrations read them: a lead is listed once something has
 * been collected, newest first, by keyset pagination on (creation time, id), so that leads that
 * arrive while a client pages go before its first page and never shift the next ones (no
 * duplicates, none skipped). Erasing a lead deletes its session, whose transcript and
 * notifications go with it.
 */
/** The assistant of lead `l`, read through its session (sessions from before assistants: the default). */
const assistantOf = sql`(select coalesce(s.assistant_id, (select a.id from ${assistants} a where a.is_default))
  from ${sessions} s where s.id = l.session_id)`;

/** Lead `l` is a visitor's: a staff member's preview of a draft is never a lead (PROTOCOL.md, Assistants). */
export const notPreview = sql`not exists (select 1 from ${sessions} s where s.id = l.session_id and s.preview)`;

/** The email of lead `l`'s owner (an account deleted since leaves it unowned). */
const ownerOf = sql`(select u.email from ${staffUsers} u where u.id = l.owner_id)`;

@Injectable()
export class LeadStore {
  private readonly db: Database;

  constructor(connection: DatabaseConnection) {
    this.db = connection.db;
  }

  /** A page of leads matching `query`, and the cursor of the next page. */
  async list(
    query: LeadQuery,
    limit = query.limit ?? LEADS_PAGE_DEFAULT,
  ): Promise<{ leads: LeadSummary[]; nextCursor: string | null }> {
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await this.summaries(sql`
      where ${this.matching(query)}
      ${cursor ? sql`and (l.created_at, l.id) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)` : sql``}
      order by l.created_at desc, l.id desc
      limit ${limit + 1}`);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      leads: page,
      nextCursor:
        rows.length > limit && last
          ? encodeCursor({ createdAt: last.created_at, id: last.id })
          : null,
    };
  }

  /** Every lead matching `query`, newest first, read a batch at a time (for an export). */
  async *all(query: LeadQuery, batchSize = 500): AsyncGenerator<LeadSummary> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...query, cursor }, batchSize);
      yield* page.leads;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /** How many listed leads no staff member has opened yet (the staff navigation's badge). */
  async unreadCount(): Promise<number> {
    const { rows } = await rowsOf<{ unread: number }>(
      this.db,
      sql`select count(*)::int as unread from ${leads} l where ${this.matching({})} and l.seen_at is null`,
    );
    return Number(rows[0]?.unread ?? 0);
  }

  /** One lead as a list shows it, listed or not yet (nothing collected). */
  async summary(id: string): Promise<LeadSummary | undefined> {
    const [row] = await this.summaries(sql`where l.id = ${id} and ${notPreview}`);
    return row;
  }

  async detail(id: string): Promise<LeadDetail> {
    const lead = await this.summary(id);
    if (!lead) throw new ApiError('not_found', 'No such lead.');
    const [transcript, deliveries, activity] = await Promise.all([
      rowsOf<{
        id: string;
        role: TranscriptRole;
        content: string;
        created_at: string;
        finish_reason: TranscriptFinishReason | null;
        sources: SourceReference[] | null;
      }>(
        this.db,
        sql`select id, role, content, ${isoText('created_at')} as created_at, finish_reason, sources from ${messages}
            where session_id = (select session_id from ${leads} where id = ${id}) and not pending order by seq`,
      ),
      this.notificationsOf(sql`lead_id = ${id}`),
      this.activityOf(id),
    ]);
    return {
      ...lead,
      messages: transcript.rows.map((row) => ({
        id: row.id,
        role: row.role,
        content: row.content,
        created_at: row.created_at,
        ...(row.finish_reason && { finish_reason: row.finish_reason }),
        ...(row.sources && { sources: row.sources }),
      })),
      notifications: deliveries,
      activity,
    };
  }

  /** The staff's notes and changes of a lead, oldest first. */
  async activityOf(id: string): Promise<LeadActivity[]> {
    const { rows } = await rowsOf<{
      id: string;
      kind: 'note' | 'change';
      actor_email: string;
      at: string;
      body: string | null;
      field: 'stage' | 'owner' | 'tags' | null;
      from_value: string | string[] | null;
      to_value: string | string[] | null;
    }>(
      this.db,
      sql`select id, kind, actor_email, ${isoText('created_at')} as at, body, field, from_value, to_value
          from ${leadActivity} where lead_id = ${id} order by created_at, id`,
    );
    return rows.map((row): LeadActivity =>
      row.kind === 'note'
        ? { id: row.id, type: 'note', by: row.actor_email, at: row.at, body: row.body ?? '' }
        : {
            id: row.id,
            type: 'change',
            by: row.actor_email,
            at: row.at,
            field: row.field ?? 'stage',
            from: row.from_value,
            to: row.to_value,
          },
    );
  }

  /** Puts the lead's failed notifications back in the queue, due now, with their attempts anew. */
  async requeueFailed(id: string): Promise<LeadNotification[]> {
    const [known] = await this.db.select({ id: leads.id }).from(leads).where(eq(leads.id, id));
    if (!known) throw new ApiError('not_found', 'No such lead.');
    const { rows } = await rowsOf<LeadNotification>(
      this.db,
      sql`update ${notifications} set status = 'queued', attempts = 0, next_attempt_at = now(), last_error = null, updated_at = now()
          where lead_id = ${id} and status = 'failed'
          returning ${NOTIFICATION_COLUMNS}`,
    );
    return rows;
  }

  /** Erases the lead with its session, transcript and notifications; undefined if there was none. */
  async erase(id: string): Promise<ErasedLead | undefined> {
    const [erased] = await this.db
      .delete(sessions)
      .where(
        eq(sessions.id, sql`(select ${leads.sessionId} from ${leads} where ${leads.id} = ${id})`),
      )
      .returning(ERASED_LEAD);
    return erased;
  }

  private matching(query: LeadQuery): SQL {
    const conditions: SQL[] = [sql`l.fields <> '{}'::jsonb`, notPreview];
    if (query.status) conditions.push(sql`l.state = ${query.status}`);
    if (query.assistant_id) conditions.push(sql`${assistantOf} = ${query.assistant_id}`);
    if (query.stage) conditions.push(sql`l.stage = ${query.stage}`);
    if (query.owner === 'none') conditions.push(sql`l.owner_id is null`);
    else if (query.owner) conditions.push(sql`${ownerOf} = ${query.owner.toLowerCase()}`);
    if (query.tag) conditions.push(sql`${query.tag}::text = any(l.tags)`);
    if (query.since) conditions.push(sql`l.created_at >= ${query.since}::timestamptz`);
    if (query.until) conditions.push(sql`l.created_at < ${query.until}::timestamptz`);
    if (query.q) {
      const pattern = `%${query.q.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
      conditions.push(
        sql`exists (select 1 from jsonb_each_text(l.fields) as field where field.value ilike ${pattern})`,
      );
    }
    return sql.join(conditions, sql` and `);
  }

  private async summaries(where: SQL): Promise<LeadSummary[]> {
    const { rows } = await rowsOf<LeadSummary>(
      this.db,
      sql`
        -- The id its client knows the session by (see session-namespace.ts).
        select l.id, substr(l.session_id, strpos(l.session_id, '.') + 1) as session_id, l.state, l.fields,
               ${assistantOf} as assistant_id,
               ${isoText('l.created_at')} as created_at,
               ${isoText('l.updated_at')} as updated_at,
               ${isoText('l.completed_at')} as completed_at,
               coalesce((
                 select case
                   when count(*) = 0 then null
                   when bool_or(n.status = 'failed') then 'failed'
                   when bool_or(n.status in ('queued', 'sending')) then 'queued'
                   else 'sent' end
                 from ${notifications} n where n.lead_id = l.id
               ), 'not_sent') as notification_status,
               l.stage, ${ownerOf} as owner, l.tags, l.seen_at is null as unread
        from ${leads} l
        ${where}`,
    );
    return rows;
  }

  private async notificationsOf(where: SQL): Promise<LeadNotification[]> {
    const { rows } = await rowsOf<LeadNotification>(
      this.db,
      sql`select ${NOTIFICATION_COLUMNS} from ${notifications} where ${where} order by channel`,
    );
    return rows;
  }
}
