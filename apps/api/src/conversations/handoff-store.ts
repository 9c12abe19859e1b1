import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type {
  ConversationFilter,
  ConversationSummary,
  HandoffState,
  StaffRef,
  TranscriptMessage,
} from '@chat/contracts';
import { staffDisplayName } from '../access/staff-display-name';
import { type Database, DatabaseConnection, rowsOf } from '../database/database';
import { assistants, leads, messages, sessions, staffUsers } from '../database/schema';
import type { SessionOwner } from '../sessions/session-owner';

/** A session as its handoff sees it. */
export interface HandoffSession {
  owner: SessionOwner;
  preview: boolean;
  /** The assistant version it runs (sessions from before assistants: the default's first). */
  assistant: { id: string; version: number };
  state: HandoffState;
  holder: { id: string; email: string } | null;
  messageCount: number;
}

/** A staff member writing or taking a conversation. */
export interface StaffActor {
  id: string;
  email: string;
}

export type TakeoverOutcome =
  | { taken: true; from: HandoffState; requestedAt: Date | null }
  | { taken: false; holder: StaffActor }
  | undefined;

export type StaffMessageOutcome =
  | { written: true; message: TranscriptMessage; firstAnswerAfterMs?: number }
  | { written: false; reason: 'not_found' | 'not_holder' };

/** A reminder to send: the request nobody took. */
export interface DueReminder {
  sessionId: string;
  assistant: { id: string; version: number };
  requestedAt: Date;
  attempts: number;
}

interface SummaryRow {
  id: string;
  assistant_id: string | null;
  handoff_state: HandoffState;
  holder_email: string | null;
  assignee_email: string | null;
  requested_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
  message_count: number;
  last_role: TranscriptMessage['role'] | null;
  last_content: string | null;
  last_at: Date | string | null;
  lead_id: string | null;
  lead_label: string | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();
const staffRef = (email: string | null): StaffRef | null =>
  email === null ? null : { name: staffDisplayName(email), email };

/** How long a conversation with the assistant counts as live after its last message. */
const LIVE_WINDOW = sql.raw(`interval '30 minutes'`);

/**
 * Who answers a session's visitor, in the database every instance shares: each change is one
 * conditional statement, so two staff members taking one conversation at once cannot both win,
 * and a staff message is written only by the one who holds it.
 */
@Injectable()
export class HandoffStore {
  private readonly db: Database;

  constructor(connection: DatabaseConnection) {
    this.db = connection.db;
  }

  async session(sessionId: string): Promise<HandoffSession | undefined> {
    const { rows } = await rowsOf<{
      token_hash: string | null;
      api_key_id: string | null;
      preview: boolean;
      assistant_id: string;
      assistant_version: number;
      handoff_state: HandoffState;
      holder_id: string | null;
      holder_email: string | null;
      message_count: number;
    }>(
      this.db,
      sql`select s.token_hash, s.api_key_id, s.preview,
            coalesce(s.assistant_id, (select id from ${assistants} where is_default)) as assistant_id,
            coalesce(s.assistant_version, 1) as assistant_version, s.handoff_state,
            u.id as holder_id, u.email as holder_email,
            (select count(*)::int from ${messages} m where m.session_id = s.id and not m.pending) as message_count
          from ${sessions} s left join ${staffUsers} u on u.id = s.handoff_holder_id
          where s.id = ${sessionId}`,
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      owner: { tokenHash: row.token_hash, apiKeyId: row.api_key_id },
      preview: row.preview,
      assistant: { id: row.assistant_id, version: Number(row.assistant_version) },
      state: row.handoff_state,
      holder:
        row.holder_id && row.holder_email ? { id: row.holder_id, email: row.holder_email } : null,
      messageCount: row.message_count,
    };
  }

  /**
   * Asks for a person, if the assistant has the conversation: offered to `assigneeId` (may be
   * none), with its reminder due at `remindAt` (none: no reminder). Answers whether it changed.
   */
  async request(
    sessionId: string,
    assigneeId: string | undefined,
    remindAt: Date | undefined,
  ): Promise<boolean> {
    const { rows } = await rowsOf<{ id: string }>(
      this.db,
      sql`update ${sessions} set handoff_state = 'requested', handoff_requested_at = now(),
            handoff_answered_at = null, handoff_assignee_id = ${assigneeId ?? null}::uuid,
            handoff_reminder = ${remindAt ? 'due' : null}, handoff_reminder_attempts = 0,
            handoff_reminder_at = ${remindAt?.toISOString() ?? null}::timestamptz, updated_at = now()
          where id = ${sessionId} and handoff_state = 'assistant' and not preview
          returning id`,
    );
    return rows.length > 0;
  }

  /**
   * Gives the conversation to `staff`, unless another staff member holds it (answered, so that
   * the second sees who has it). Holding it already, it stays theirs. A request's reminder is off.
   */
  async takeover(sessionId: string, staff: StaffActor): Promise<TakeoverOutcome> {
    const { rows } = await rowsOf<{
      taken: boolean;
      from_state: HandoffState | null;
      requested_at: Date | string | null;
      holder_id: string | null;
      holder_email: string | null;
    }>(
      this.db,
      sql`with current as (
            select s.id, s.handoff_state, s.handoff_requested_at, s.handoff_holder_id, u.email as holder_email
            from ${sessions} s left join ${staffUsers} u on u.id = s.handoff_holder_id
            where s.id = ${sessionId} and not s.preview
            for update of s
          ),
          taken as (
            update ${sessions} s set handoff_state = 'human', handoff_holder_id = ${staff.id}::uuid,
              handoff_assignee_id = null, handoff_reminder = null, updated_at = now()
            from current
            where s.id = current.id
              and (current.handoff_state <> 'human' or current.handoff_holder_id is null
                   or current.handoff_holder_id = ${staff.id}::uuid)
            returning s.id
          )
          select exists (select 1 from taken) as taken, current.handoff_state as from_state,
                 current.handoff_requested_at as requested_at,
                 current.handoff_holder_id as holder_id, current.holder_email
          from current`,
    );
    const row = rows[0];
    if (!row) return undefined;
    if (row.taken) {
      return {
        taken: true,
        from: row.from_state ?? 'assistant',
        requestedAt: row.requested_at === null ? null : new Date(row.requested_at),
      };
    }
    return { taken: false, holder: { id: row.holder_id ?? '', email: row.holder_email ?? '' } };
  }

  /**
   * Gives the conversation back to the assistant (or declines a request): by its holder, or by
   * anyone once nobody holds it, or by an admin. Answers the state it left, or why not.
   */
  async release(
    sessionId: string,
    staff: StaffActor,
    admin: boolean,
  ): Promise<
    { released: true; from: HandoffState } | { released: false; holder?: StaffActor } | undefined
  > {
    const { rows } = await rowsOf<{
      released: boolean;
      from_state: HandoffState;
      holder_id: string | null;
      holder_email: string | null;
    }>(
      this.db,
      sql`with current as (
            select s.id, s.handoff_state, s.handoff_holder_id, u.email as holder_email
            from ${sessions} s left join ${staffUsers} u on u.id = s.handoff_holder_id
            where s.id = ${sessionId} and not s.preview
            for update of s
          ),
          released as (
            update ${sessions} s set handoff_state = 'assistant', handoff_holder_id = null,
              handoff_assignee_id = null, handoff_reminder = null, updated_at = now()
            from current
            where s.id = current.id and current.handoff_state <> 'assistant'
              and (current.handoff_holder_id is null or current.handoff_holder_id = ${staff.id}::uuid or ${admin})
            returning s.id
          )
          select exists (select 1 from released) as released, current.handoff_state as from_state,
                 current.handoff_holder_id as holder_id, current.holder_email
          from current`,
    );
    const row = rows[0];
    if (!row) return undefined;
    if (row.released) return { released: true, from: row.from_state };
    return row.holder_id && row.holder_email
      ? { released: false, holder: { id: row.holder_id, email: row.holder_email } }
      : { released: false };
  }

  /**
   * Appends a staff member's message, if they hold the conversation, in one statement. The first
   * one after a request answers how long the visitor waited (for the metric), once per request.
   */
  async addStaffMessage(
    sessionId: string,
    staff: StaffActor,
    content: string,
  ): Promise<StaffMessageOutcome> {
    const id = randomUUID();
    const author = staffDisplayName(staff.email);
    const { rows } = await rowsOf<{
      known: boolean;
      created_at: Date | string | null;
      waited_ms: number | null;
    }>(
      this.db,
      sql`with held as (
            select id, handoff_requested_at, handoff_answered_at from ${sessions}
            where id = ${sessionId} and handoff_state = 'human' and handoff_holder_id = ${staff.id}::uuid
            for update
          ),
          written as (
            insert into ${messages} (id, session_id, role, content, author_id, author_name)
            select ${id}::uuid, held.id, 'staff', ${content}, ${staff.id}::uuid, ${author} from held
            returning created_at
          ),
          answered as (
            update ${sessions} s set updated_at = now(),
              handoff_answered_at = coalesce(s.handoff_answered_at, now())
            from held where s.id = held.id
            returning (case when held.handoff_answered_at is null and held.handoff_requested_at is not null
              then extract(epoch from now() - held.handoff_requested_at) * 1000 end)::float8 as waited_ms
          )
          select exists (select 1 from ${sessions} where id = ${sessionId} and not preview) as known,
                 (select created_at from written) as created_at,
                 (select waited_ms from answered) as waited_ms`,
    );
    const row = rows[0];
    if (!row?.known) return { written: false, reason: 'not_found' };
    if (row.created_at === null) return { written: false, reason: 'not_holder' };
    return {
      written: true,
      message: {
        id,
        role: 'staff',
        author: { name: author },
        content,
        created_at: iso(row.created_at),
      },
      ...(row.waited_ms !== null && { firstAnswerAfterMs: row.waited_ms }),
    };
  }

  /**
   * The next of `online` (staff ids) to be offered a request: the one offered one longest ago
   * (never first), active accounts only; it is marked offered now. Concurrent requests go to
   * different people (the row is locked, the others skipped).
   */
  async nextOnline(online: readonly string[]): Promise<StaffActor | undefined> {
    if (online.length === 0) return undefined;
    const { rows } = await rowsOf<StaffActor>(
      this.db,
      sql`update ${staffUsers} set handoff_offered_at = clock_timestamp()
          where id = (
            select id from ${staffUsers}
            where id = any(${`{${online.join(',')}}`}::uuid[]) and not disabled
            order by handoff_offered_at asc nulls first, id
            limit 1 for update skip locked
          )
          returning id, email`,
    );
    return rows[0];
  }

  /** Conversations for the staff's view: requests first, then the most recently active. */
  async list(filter: ConversationFilter, assistantId?: string): Promise<ConversationSummary[]> {
    const where =
      filter === 'live'
        ? sql`(s.handoff_state <> 'assistant' or s.updated_at > now() - ${LIVE_WINDOW})`
        : sql`s.handoff_state = ${filter}`;
    return this.summaries(
      sql`${where} and (${assistantId ?? null}::text is null or s.assistant_id = ${assistantId ?? null}::text)`,
    );
  }

  async summary(sessionId: string): Promise<ConversationSummary | undefined> {
    const [summary] = await this.summaries(sql`s.id = ${sessionId}`);
    return summary;
  }

  private async summaries(where: ReturnType<typeof sql>): Promise<ConversationSummary[]> {
    const { rows } = await rowsOf<SummaryRow>(
      this.db,
      sql`select s.id, s.assistant_id, s.handoff_state, holder.email as holder_email,
            assignee.email as assignee_email, s.handoff_requested_at as requested_at,
            s.created_at, s.updated_at,
            (select count(*)::int from ${messages} m where m.session_id = s.id and not m.pending) as message_count,
            last.role as last_role, left(last.content, 200) as last_content, last.created_at as last_at,
            l.id as lead_id, coalesce(l.fields ->> 'name', l.fields ->> 'email') as lead_label
          from ${sessions} s
          left join ${staffUsers} holder on holder.id = s.handoff_holder_id
          left join ${staffUsers} assignee on assignee.id = s.handoff_assignee_id
          left join ${leads} l on l.session_id = s.id
          left join lateral (
            select role, content, created_at from ${messages} m
            where m.session_id = s.id and not m.pending order by m.seq desc limit 1
          ) last on true
          where not s.preview and ${where}
            and exists (select 1 from ${messages} m where m.session_id = s.id)
          order by (s.handoff_state = 'requested') desc, s.updated_at desc
          limit 200`,
    );
    return rows.map((row) => ({
      session_id: row.id,
      assistant_id: row.assistant_id ?? '',
      state: row.handoff_state,
      holder: staffRef(row.holder_email),
      assignee: staffRef(row.assignee_email),
      requested_at: row.requested_at === null ? null : iso(row.requested_at),
      replying: false,
      last_message:
        row.last_role && row.last_content !== null && row.last_at !== null
          ? { role: row.last_role, content: row.last_content, created_at: iso(row.last_at) }
          : null,
      message_count: row.message_count,
      lead: row.lead_id ? { id: row.lead_id, label: row.lead_label } : null,
      created_at: iso(row.created_at),
      updated_at: iso(row.updated_at),
    }));
  }

  /** Claims up to `limit` due reminders for `leaseMs` (a crashed sender's come back after it). */
  async claimDueReminders(limit: number, leaseMs: number): Promise<DueReminder[]> {
    const { rows } = await rowsOf<{
      id: string;
      assistant_id: string;
      assistant_version: number;
      requested_at: Date | string;
      attempts: number;
    }>(
      this.db,
      sql`update ${sessions} s set handoff_reminder_at = now() + ${`${leaseMs} milliseconds`}::interval
          where s.id in (
            select id from ${sessions}
            where handoff_reminder = 'due' and handoff_state = 'requested' and handoff_reminder_at <= now()
            order by handoff_reminder_at limit ${limit}
            for update skip locked
          )
          returning s.id, coalesce(s.assistant_id, (select id from ${assistants} where is_default)) as assistant_id,
            coalesce(s.assistant_version, 1) as assistant_version,
            s.handoff_requested_at as requested_at, s.handoff_reminder_attempts as attempts`,
    );
    return rows.map((row) => ({
      sessionId: row.id,
      assistant: { id: row.assistant_id, version: Number(row.assistant_version) },
      requestedAt: new Date(row.requested_at),
      attempts: row.attempts,
    }));
  }

  /** The reminder went out (or, `retryAt` undefined after a failure, never will). */
  async reminderDone(sessionId: string): Promise<void> {
    await this.db.execute(
      sql`update ${sessions} set handoff_reminder = 'sent' where id = ${sessionId} and handoff_reminder = 'due'`,
    );
  }

  /** The attempt failed: tried again at `retryAt`, or given up (undefined). */
  async reminderFailed(sessionId: string, retryAt: Date | undefined): Promise<void> {
    await this.db.execute(
      retryAt
        ? sql`update ${sessions} set handoff_reminder_attempts = handoff_reminder_attempts + 1,
                handoff_reminder_at = ${retryAt.toISOString()}::timestamptz
              where id = ${sessionId} and handoff_reminder = 'due'`
        : sql`update ${sessions} set handoff_reminder = 'failed', handoff_reminder_attempts = handoff_reminder_attempts + 1
              where id = ${sessionId} and handoff_reminder = 'due'`,
    );
  }
}
