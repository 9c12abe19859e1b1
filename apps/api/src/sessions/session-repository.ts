import { Injectable } from '@nestjs/common';
import { and, asc, eq, lt, lte, or, sql } from 'drizzle-orm';
import type {
  LeadData,
  LeadEmailStatus,
  NotificationChannel,
  SourceReference,
  TranscriptFinishReason,
  TranscriptMessage,
} from '@chat/contracts';
import { type Database, DatabaseConnection, rowsOf } from '../database/database';
import type { StatementLanes } from '../database/statement-lanes';
import { passageSearchJson, type RetrievedPassage } from '../knowledge/passage-search';
import {
  assistants,
  assistantVersions,
  leads,
  messages,
  notifications,
  sessions,
  staffUsers,
} from '../database/schema';
import type { HandoffState } from '@chat/contracts';
import type { SessionOwner } from './session-owner';

/** One message of a conversation as stored: a staff member's with their name. */
export interface StoredTurn {
  role: TranscriptMessage['role'];
  content: string;
  author?: string | null;
}

export interface BeginTurn {
  sessionId: string;
  /** The hash of the token the caller sent, if any: it must be the session's, if the session exists. */
  tokenHash: string | undefined;
  /** The hash of the token a new session gets: none when an API key creates it. */
  newTokenHash: string | null;
  /** The caller's verified API key, if any: it owns a session it creates, and must own one it continues. */
  apiKeyId?: string;
  /** Ids of the new lead (used when the session is new) and of the visitor's message. */
  leadId: string;
  messageId: string;
  /**
   * The visitor's message; absent to regenerate: the session's last complete user message is
   * asked again, and the turn answers with the history before it.
   */
  content?: string;
  /** Messages a session may hold, and sessions the database may hold. */
  maxMessages: number;
  maxSessions: number;
  /** The latest complete messages to answer with the model's window. */
  historyLimit: number;
  /**
   * The assistant the caller names, if any: a new session runs its live version (the default
   * assistant's without one); a session that runs another assistant is refused.
   */
  assistantId?: string;
  /** The versions the caller holds already, as a JSON array of `id@version`: their definitions are not sent back. */
  heldVersions?: string;
  /**
   * A staff member's preview: a new session runs the assistant's draft (version 0, whose
   * definition is always sent), and only a preview continues a preview session.
   */
  preview?: boolean;
  /** How many passages of the assistant's knowledge to retrieve for the message (0: none). */
  passages?: number;
}

/**
 * The assistant version a session runs; `definition` (the version's stored JSON, which the
 * assistants module reads) only when the caller did not hold it.
 */
export interface SessionAssistant {
  id: string;
  version: number;
  definition?: object;
}

export type TurnStart =
  /** `created`: this turn created the session, which now has the new token (or the caller's key). */
  | {
      accepted: true;
      created: boolean;
      owner: SessionOwner;
      leadId: string;
      lead: LeadData;
      history: StoredTurn[];
      /** The message this turn answers: the visitor's, or the one regenerated. */
      prompt: string;
      /** When regenerating: the `seq` of the message asked again, from which its completion replaces. */
      replacesFrom?: number;
      assistant: SessionAssistant;
      /** A staff member's preview of the draft: no lead is listed or notified. */
      preview: boolean;
      /** The passages of the assistant's knowledge that best match the message, best first. */
      passages: RetrievedPassage[];
      /** Who answers: with `human`, a staff member holds the conversation and the model is not called. */
      handoff: HandoffState;
    }
  | {
      accepted: false;
      reason:
        | 'forbidden'
        | 'session_full'
        | 'too_many_sessions'
        | 'not_found'
        | 'nothing_to_regenerate'
        | 'assistant_not_found'
        | 'preview_mismatch';
    }
  /** The session runs another assistant than the one named: `assistantId`. */
  | { accepted: false; reason: 'assistant_mismatch'; assistantId: string };

export interface QueuedNotification {
  id: string;
  channel: NotificationChannel;
  /** A webhook's receiver when it is not the deployment's `LEAD_WEBHOOK_URL`. */
  targetUrl?: string;
}

export interface CompleteTurn {
  sessionId: string;
  leadId: string;
  userMessageId: string;
  reply?: {
    id: string;
    content: string;
    finishReason: TranscriptFinishReason;
    /** The `sources` event the reply was given, kept with it. */
    sources?: SourceReference[];
  };
  /**
   * A regenerate turn's `replacesFrom`: with a reply, the messages from that `seq` on give way to
   * this turn's two; without one (cancelled before any text), this turn's copy goes instead.
   */
  replacesFrom?: number;
  lead: LeadData;
  isComplete: boolean;
  /** Queued in the outbox if this turn completes the lead. */
  notifications: QueuedNotification[];
}

/** A session's lead as stored: its fields and the conversation that collected them. */
export interface CollectedLead {
  sessionId: string;
  /** The assistant version its session runs, whose fields the notification lists. */
  assistant: { id: string; version: number };
  fields: LeadData;
  messages: Pick<TranscriptMessage, 'role' | 'content' | 'created_at' | 'author'>[];
}

export interface SessionView {
  id: string;
  /** Its owner, to check a caller against. */
  owner: SessionOwner;
  /** The assistant version it runs. */
  assistant: { id: string; version: number };
  messages: TranscriptMessage[];
  lead: LeadData;
  emailStatus: LeadEmailStatus;
  handoff: { state: HandoffState; holderEmail: string | null };
}

/**
 * A visitor's session: its transcript and its lead, stored as a turn uses them. A turn is two
 * statements: one before the first token, one after the reply (its unit of work, the lead's
 * notification included); nothing is written per token, and the session is never rewritten.
 */
/** The assistant version a session runs; sessions from before assistants run the default's first. */
const sessionAssistant = {
  assistantId: sql<string>`coalesce(${sessions.assistantId}, (select id from ${assistants} where is_default))`,
  assistantVersion: sql<number>`coalesce(${sessions.assistantVersion}, 1)`,
};

@Injectable()
export class SessionRepository {
  private readonly db: Database;
  /** The turn's statements: its start goes before other turns' closing writes. */
  private readonly lanes: StatementLanes;

  constructor(connection: DatabaseConnection) {
    this.db = connection.db;
    this.lanes = connection.lanes;
  }

  /**
   * In one statement: creates the session (with its token's hash) and its lead if new; refuses
   * a caller without the session's token, a full session, or a new one past the database's
   * limit; writes the visitor's message as pending; and answers the lead and the latest complete
   * messages before it. Two callers creating the same new id at once: the second is refused.
   * Regenerating (no `content`), the pending message is a copy of the last complete user message,
   * the history stops before it, and a session without one (or unknown) is refused; nothing is
   * removed yet, so that a failed turn leaves the transcript as it was.
   */
  async beginTurn(turn: BeginTurn): Promise<TurnStart> {
    const { sessionId } = turn;
    const regenerate = turn.content === undefined;
    const apiKeyId = turn.apiKeyId ?? null;
    const preview = turn.preview === true;
    // A session is its key's if a key created it, else its token's: read from `row` (the
    // session as `existing` read it, or as the conflict clause finds it).
    const ownedBy = (row: string) => sql`(case when ${sql.raw(row)}.api_key_id is not null
      then ${sql.raw(row)}.api_key_id = ${apiKeyId}::uuid
      else ${sql.raw(row)}.token_hash = ${turn.tokenHash ?? null} end)`;
    const { rows } = await this.lanes.run('first', () =>
      rowsOf<{
        inserted: number;
        allowed: number;
        known: boolean;
        owned: boolean;
        created: boolean | null;
        owner_token_hash: string | null;
        owner_api_key_id: string | null;
        lead_id: string | null;
        lead_fields: LeadData | null;
        history: StoredTurn[] | null;
        prompt_seq: number | string | null;
        prompt: string | null;
        pinned_id: string | null;
        target_live: boolean;
        preview_matches: boolean;
        assistant_id: string | null;
        assistant_version: number | null;
        assistant_definition: object | null;
        passages: RetrievedPassage[] | null;
        handoff_state: HandoffState;
      }>(
        this.db,
        sql`
      with existing as (
        select token_hash, api_key_id, assistant_id, preview, handoff_state from ${sessions} where id = ${sessionId}
      ),
      default_assistant as (
        select id from ${assistants} where is_default
      ),
      -- What a new session runs: the live (highest) version of the assistant named, else of the
      -- default one; none if unknown, archived or never published. Read here, with the session,
      -- so that a publish on any instance is the next new session's version, with no cache to clear.
      -- A preview runs the draft: version 0.
      target as (
        select a.id, case when ${preview} then 0
          else (select max(v.version) from ${assistantVersions} v where v.assistant_id = a.id) end as version
        from ${assistants} a
        where a.id = coalesce(${turn.assistantId ?? null}::text, (select id from default_assistant))
          and a.archived_at is null
      ),
      existing_lead as (
        select id, fields from ${leads} where session_id = ${sessionId}
      ),
      -- Read only when regenerating; answered only to the owner.
      last_user as (
        select seq, content from ${messages}
        where ${regenerate} and session_id = ${sessionId} and role = 'user' and not pending
        order by seq desc limit 1
      ),
      state as (
        select
          exists (select 1 from existing) as known,
          coalesce((select ${ownedBy('existing')} from existing), false) as owned,
          (select count(*)::int from ${messages} where session_id = ${sessionId}) as message_count,
          -- Sessions from before assistants run the default one (see migration 0005).
          (select coalesce(assistant_id, (select id from default_assistant)) from existing) as pinned_id,
          exists (select 1 from target where version is not null) as target_live,
          coalesce((select preview from existing) = ${preview}, true) as preview_matches
      ),
      allowed as (
        select known from state
        where (owned or not known)
          and message_count < ${turn.maxMessages}
          -- The planner's row estimate, not count(*): O(1) on the path of every new session, and
          -- refreshed by autovacuum and the retention sweep's ANALYZE (-1 until the first).
          and (known or (select reltuples from pg_class where oid = 'sessions'::regclass) < ${turn.maxSessions})
          and (not ${regenerate} or exists (select 1 from last_user))
          and (known or target_live)
          and preview_matches
          and (not known or ${turn.assistantId ?? null}::text is null or pinned_id = ${turn.assistantId ?? null}::text)
      ),
      upserted as (
        insert into ${sessions} (id, token_hash, api_key_id, assistant_id, assistant_version, preview)
        select ${sessionId}, ${turn.newTokenHash}, ${apiKeyId}::uuid, (select id from target), (select version from target), ${preview}
        from allowed
        on conflict (id) do update set updated_at = now()
          where ${ownedBy('sessions')}
        -- A row inserted by this statement has no deleting transaction yet (xmax 0); one the
        -- conflict clause updated does: the statement created the session or continued it.
        returning id, (xmax = 0) as created, token_hash, api_key_id, assistant_id, assistant_version
      ),
      pinned as (
        select coalesce(assistant_id, (select id from default_assistant)) as id, coalesce(assistant_version, 1) as version
        from upserted
      ),
      new_lead as (
        insert into ${leads} (id, session_id) select ${turn.leadId}, id from upserted
        on conflict (session_id) do nothing
        returning id, fields
      ),
      pending as (
        insert into ${messages} (id, session_id, role, content, pending)
        select ${turn.messageId}, id, 'user', coalesce((select content from last_user), ${turn.content ?? null}), true
        from upserted
        returning seq
      )
      select
        (select count(*)::int from pending) as inserted,
        (select count(*)::int from allowed) as allowed,
        (select known from state) as known,
        (select owned from state) as owned,
        (select created from upserted) as created,
        (select token_hash from upserted) as owner_token_hash,
        (select api_key_id from upserted) as owner_api_key_id,
        coalesce((select id from new_lead), (select id from existing_lead)) as lead_id,
        coalesce((select fields from new_lead), (select fields from existing_lead)) as lead_fields,
        (select json_agg(json_strip_nulls(json_build_object('role', role, 'content', content, 'author', author_name)) order by seq)
           from (select role, content, author_name, seq from ${messages}
                 where session_id = ${sessionId} and not pending
                   and not exists (select 1 from last_user where last_user.seq <= ${messages}.seq)
                 order by seq desc limit ${turn.historyLimit}) latest) as history,
        (select seq from last_user) as prompt_seq,
        coalesce((select handoff_state from existing), 'assistant') as handoff_state,
        (select content from last_user) as prompt,
        (select pinned_id from state) as pinned_id,
        (select target_live from state) as target_live,
        (select preview_matches from state) as preview_matches,
        (select id from pinned) as assistant_id,
        (select version from pinned) as assistant_version,
        case when ${preview} then (select a.draft from ${assistants} a, pinned where a.id = pinned.id)
          else (select v.definition from ${assistantVersions} v, pinned
            where v.assistant_id = pinned.id and v.version = pinned.version
              and not (${turn.heldVersions ?? '[]'}::jsonb @> to_jsonb(pinned.id || '@' || pinned.version))) end as assistant_definition,
        -- Retrieval rides on this statement (no round trip of its own): the assistant's passages
        -- that best match the message answered. An assistant without knowledge finds none at
        -- the cost of one probe of the passages' assistant index.
        ${
          (turn.passages ?? 0) > 0
            ? passageSearchJson(
                sql`(select id from pinned)`,
                sql`coalesce((select content from last_user), ${turn.content ?? null}::text)`,
                turn.passages ?? 0,
              )
            : sql`null`
        } as passages
    `,
      ),
    );
    const row = rows[0];
    if (!row || row.inserted === 0 || !row.lead_id) {
      // A stranger learns no more than a first message would tell: 403 for a session that exists.
      if (!row || (row.known && !row.owned)) return { accepted: false, reason: 'forbidden' };
      if (row.known && !row.preview_matches) return { accepted: false, reason: 'preview_mismatch' };
      if (regenerate && !row.known) return { accepted: false, reason: 'not_found' };
      if (
        row.known &&
        turn.assistantId !== undefined &&
        row.pinned_id !== null &&
        row.pinned_id !== turn.assistantId
      ) {
        return { accepted: false, reason: 'assistant_mismatch', assistantId: row.pinned_id };
      }
      if (!row.known && !row.target_live) return { accepted: false, reason: 'assistant_not_found' };
      if (regenerate && row.prompt_seq === null)
        return { accepted: false, reason: 'nothing_to_regenerate' };
      // Allowed but not inserted: another caller created this id between the read and the insert.
      if (row.allowed > 0) return { accepted: false, reason: 'forbidden' };
      return { accepted: false, reason: row.known ? 'session_full' : 'too_many_sessions' };
    }
    return {
      accepted: true,
      created: row.created === true,
      owner: { tokenHash: row.owner_token_hash, apiKeyId: row.owner_api_key_id },
      leadId: row.lead_id,
      lead: row.lead_fields ?? {},
      history: row.history ?? [],
      prompt: row.prompt ?? turn.content ?? '',
      ...(row.prompt_seq !== null && { replacesFrom: Number(row.prompt_seq) }),
      assistant: {
        id: row.assistant_id ?? '',
        version: Number(row.assistant_version ?? 1),
        ...(row.assistant_definition && { definition: row.assistant_definition }),
      },
      preview,
      passages: row.passages ?? [],
      handoff: row.handoff_state,
    };
  }

  /**
   * The rest of a turn, in one statement (so in one transaction, and one round trip): the
   * visitor's message joins the transcript, the reply (if any text came) is appended, the lead
   * is updated and, on the turn that completes it, `notifications` are queued in the outbox.
   * A regenerate turn replaces the messages it answered again in the same statement (see
   * `replacesFrom`). Answers whether this turn completed the lead and the notifications it queued.
   */
  async completeTurn(
    turn: CompleteTurn,
  ): Promise<{ completedNow: boolean; queued: QueuedNotification[] }> {
    const { reply } = turn;
    const replacesFrom = turn.replacesFrom ?? null;
    // A regenerate turn with nothing to show keeps the old messages rather than its own copy.
    const keep = replacesFrom === null || reply !== undefined;
    const { rows } = await this.lanes.run('after', () =>
      rowsOf<{ completed_now: boolean | null; queued: QueuedNotification[] | null }>(
        this.db,
        sql`
        with kept as (
          update ${messages} set pending = false where id = ${turn.userMessageId} and ${keep} returning id
        ),
        dropped as (
          delete from ${messages} where id = ${turn.userMessageId} and pending and not ${keep}
        ),
        replaced as (
          -- The statement's snapshot: this turn's message is still pending, its reply not there yet.
          delete from ${messages}
          where session_id = ${turn.sessionId} and ${keep} and seq >= ${replacesFrom}::bigint and not pending
        ),
        replied as (
          insert into ${messages} (id, session_id, role, content, finish_reason, sources)
          select ${reply?.id ?? null}::uuid, ${turn.sessionId}, 'assistant', ${reply?.content ?? ''}, ${reply?.finishReason ?? null},
                 ${reply?.sources?.length ? JSON.stringify(reply.sources) : null}::jsonb
          where ${reply !== undefined}
          returning id
        ),
        touched as (
          update ${sessions} set updated_at = now() where id = ${turn.sessionId} returning id
        ),
        updated as (
          -- The state before this update comes from the statement's snapshot (a locking read in
          -- a CTE would skip the row this statement updates).
          update ${leads}
          set fields = ${JSON.stringify(turn.lead)}::jsonb,
              updated_at = now(),
              state = case when ${turn.isComplete} then 'complete' else ${leads.state} end,
              completed_at = case when ${turn.isComplete} and ${leads.state} <> 'complete' then now() else ${leads.completedAt} end
          from (select state as previous_state from ${leads} where id = ${turn.leadId}) as previous
          where ${leads.id} = ${turn.leadId}
          returning ${turn.isComplete} and previous.previous_state <> 'complete' as completed_now
        ),
        queued as (
          insert into ${notifications} (id, lead_id, channel, target_url)
          select wanted.id, ${turn.leadId}, wanted.channel, wanted."targetUrl"
          from jsonb_to_recordset(${JSON.stringify(turn.notifications)}::jsonb) as wanted(id uuid, channel text, "targetUrl" text), updated
          where completed_now
          on conflict (lead_id, channel) do nothing
          returning id, channel
        )
        select (select completed_now from updated) as completed_now,
               (select json_agg(json_build_object('id', id, 'channel', channel)) from queued) as queued`,
      ),
    );
    const row = rows[0];
    return { completedNow: row?.completed_now === true, queued: row?.queued ?? [] };
  }

  /** The lead `leadId` with the conversation up to its completion, for its notification. */
  /** The assistant session `sessionId` runs (sessions from before assistants: the default), if the session exists. */
  async assistantOf(sessionId: string): Promise<string | undefined> {
    const [row] = await this.db
      .select({ assistantId: sessionAssistant.assistantId })
      .from(sessions)
      .where(eq(sessions.id, sessionId));
    return row?.assistantId ?? undefined;
  }

  async collectedLead(leadId: string): Promise<CollectedLead | undefined> {
    const [lead] = await this.db
      .select({
        sessionId: leads.sessionId,
        fields: leads.fields,
        completedAt: leads.completedAt,
        ...sessionAssistant,
      })
      .from(leads)
      .innerJoin(sessions, eq(sessions.id, leads.sessionId))
      .where(eq(leads.id, leadId));
    if (!lead) return undefined;
    const rows = await this.db
      .select({
        role: messages.role,
        content: messages.content,
        authorName: messages.authorName,
        createdAt: messages.createdAt,
      })
      .from(messages)
      .where(
        and(
          eq(messages.sessionId, lead.sessionId),
          eq(messages.pending, false),
          // Compared in the database: a JavaScript Date would drop the microseconds.
          lead.completedAt
            ? lte(
                messages.createdAt,
                sql`(select ${leads.completedAt} from ${leads} where ${leads.id} = ${leadId})`,
              )
            : undefined,
        ),
      )
      .orderBy(asc(messages.seq));
    return {
      sessionId: lead.sessionId,
      assistant: { id: lead.assistantId, version: Number(lead.assistantVersion) },
      fields: lead.fields,
      messages: rows.map((row) => ({
        role: row.role,
        content: row.content,
        created_at: row.createdAt.toISOString(),
        ...(row.authorName !== null && { author: { name: row.authorName } }),
      })),
    };
  }

  /** A failed turn leaves no trace: its pending message goes. */
  async discardTurn(userMessageId: string): Promise<void> {
    await this.lanes.run('after', () =>
      this.db
        .delete(messages)
        .where(and(eq(messages.id, userMessageId), eq(messages.pending, true))),
    );
  }

  /**
   * The session as a client reloads it: its complete messages, plus the pending message of the
   * turn still running, if any (`pendingMessageId`); its lead and where its email stands. While a
   * regenerate turn runs (`replacedFrom`), the messages it will replace are left out.
   */
  async find(
    sessionId: string,
    pendingMessageId?: string,
    replacedFrom?: number,
  ): Promise<SessionView | undefined> {
    const [lead] = await this.db
      .select({
        fields: leads.fields,
        emailStatus: notifications.status,
        tokenHash: sessions.tokenHash,
        apiKeyId: sessions.apiKeyId,
        handoffState: sessions.handoffState,
        holderEmail: staffUsers.email,
        ...sessionAssistant,
      })
      .from(leads)
      .innerJoin(sessions, eq(sessions.id, leads.sessionId))
      .leftJoin(staffUsers, eq(staffUsers.id, sessions.handoffHolderId))
      .leftJoin(
        notifications,
        and(eq(notifications.leadId, leads.id), eq(notifications.channel, 'email')),
      )
      .where(eq(leads.sessionId, sessionId));
    if (!lead) return undefined;
    const rows = await this.db
      .select()
      .from(messages)
      .where(
        and(
          eq(messages.sessionId, sessionId),
          pendingMessageId
            ? or(eq(messages.pending, false), eq(messages.id, pendingMessageId))
            : eq(messages.pending, false),
          replacedFrom === undefined
            ? undefined
            : or(lt(messages.seq, replacedFrom), eq(messages.pending, true)),
        ),
      )
      .orderBy(asc(messages.seq));
    return {
      id: sessionId,
      owner: { tokenHash: lead.tokenHash, apiKeyId: lead.apiKeyId },
      assistant: { id: lead.assistantId, version: Number(lead.assistantVersion) },
      lead: lead.fields,
      emailStatus: emailStatusOf(lead.emailStatus),
      handoff: { state: lead.handoffState, holderEmail: lead.holderEmail },
      messages: rows.map((row) => ({
        id: row.id,
        role: row.role,
        content: row.content,
        created_at: row.createdAt.toISOString(),
        ...(row.authorName !== null && { author: { name: row.authorName } }),
        ...(row.finishReason && { finish_reason: row.finishReason }),
        ...(row.sources && { sources: row.sources }),
      })),
    };
  }
}

/** What the visitor's session shows of its email notification. */
function emailStatusOf(
  status: (typeof notifications.$inferSelect)['status'] | null,
): LeadEmailStatus {
  switch (status) {
    case null:
      return 'not_sent';
    case 'queued':
    case 'sending':
      return 'queued';
    default:
      return status;
  }
}
