import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import {
  type LeadChangeField,
  type LeadNote,
  normalizeLeadTag,
  type UpdateLeadRequest,
} from '@chat/contracts';
import { normalizeEmail } from '../access/staff-accounts';
import { ApiError } from '../common/api-error';
import { leadsConfig } from '../config/leads.config';
import { type Database, DatabaseConnection, rowsOf } from '../database/database';
import { leadActivity, leads, staffUsers } from '../database/schema';
import { notPreview } from './lead-store';

type ChangeValue = string | string[] | null;

/** A lead as the workflow changes it. */
interface WorkflowRow {
  stage: string;
  owner_id: string | null;
  owner: string | null;
  tags: string[];
}

/**
 * What the staff do with a lead: move it along the pipeline (`LEAD_STAGES`), give it an owner
 * and tags, write notes, open it. Every change and note is recorded with who made it and when,
 * in the same transaction as the change.
 */
@Injectable()
export class LeadWorkflow {
  private readonly db: Database;

  constructor(
    connection: DatabaseConnection,
    @Inject(leadsConfig.KEY) private readonly config: ConfigType<typeof leadsConfig>,
  ) {
    this.db = connection.db;
  }

  get stages(): readonly string[] {
    return this.config.stages;
  }

  /**
   * Applies the fields of `change` that differ from the lead's, recording each as a change by
   * `actor`; answers whether anything changed. Unknown lead: `not_found`.
   */
  async update(id: string, change: UpdateLeadRequest, actor: string): Promise<boolean> {
    if (change.stage !== undefined && !this.config.stages.includes(change.stage)) {
      throw new ApiError(
        'invalid_request',
        `stage must be one of ${this.config.stages.join(', ')}.`,
      );
    }
    return this.db.transaction(async (tx) => {
      const { rows } = await rowsOf<WorkflowRow>(
        tx,
        sql`select l.stage, l.owner_id, u.email as owner, l.tags
            from ${leads} l left join ${staffUsers} u on u.id = l.owner_id
            where l.id = ${id} and ${notPreview} for update of l`,
      );
      const lead = rows[0];
      if (!lead) throw new ApiError('not_found', 'No such lead.');
      const changes: { field: LeadChangeField; from: ChangeValue; to: ChangeValue }[] = [];
      const set: Partial<typeof leads.$inferInsert> = {};
      if (change.stage !== undefined && change.stage !== lead.stage) {
        changes.push({ field: 'stage', from: lead.stage, to: change.stage });
        set.stage = change.stage;
      }
      if (change.owner !== undefined) {
        const owner = change.owner === null ? null : await this.activeStaff(tx, change.owner);
        if ((owner?.id ?? null) !== lead.owner_id) {
          changes.push({ field: 'owner', from: lead.owner, to: owner?.email ?? null });
          set.ownerId = owner?.id ?? null;
        }
      }
      if (change.tags !== undefined) {
        const tags = [...new Set(change.tags.map(normalizeLeadTag))].sort();
        if (tags.join(',') !== [...lead.tags].sort().join(',')) {
          changes.push({ field: 'tags', from: lead.tags, to: tags });
          set.tags = tags;
        }
      }
      if (changes.length === 0) return false;
      await tx.update(leads).set(set).where(eq(leads.id, id));
      await tx.insert(leadActivity).values(
        changes.map((recorded) => ({
          id: randomUUID(),
          leadId: id,
          kind: 'change' as const,
          actorEmail: actor,
          field: recorded.field,
          fromValue: recorded.from,
          toValue: recorded.to,
        })),
      );
      return true;
    });
  }

  /** Records a note by `actor` on the lead. Unknown lead: `not_found`. */
  async addNote(id: string, body: string, actor: string): Promise<LeadNote> {
    const { rows } = await rowsOf<{ id: string; at: string }>(
      this.db,
      sql`insert into ${leadActivity} (id, lead_id, kind, actor_email, body)
          select ${randomUUID()}, l.id, 'note', ${actor}, ${body} from ${leads} l
          where l.id = ${id} and ${notPreview}
          returning id, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at`,
    );
    const note = rows[0];
    if (!note) throw new ApiError('not_found', 'No such lead.');
    return { id: note.id, type: 'note', by: actor, at: note.at, body };
  }

  /** The lead was opened by a staff member: it is no longer unread (for anyone). */
  /** Marks the lead read; answers whether it was unread until now. */
  async markSeen(id: string): Promise<boolean> {
    const marked = await this.db
      .update(leads)
      .set({ seenAt: sql`now()` })
      .where(and(eq(leads.id, id), isNull(leads.seenAt)))
      .returning({ id: leads.id });
    return marked.length > 0;
  }

  /** The active account with this email; otherwise `invalid_request`, which says no more. */
  private async activeStaff(
    tx: Pick<Database, 'select'>,
    email: string,
  ): Promise<{ id: string; email: string }> {
    const [account] = await tx
      .select({ id: staffUsers.id, email: staffUsers.email })
      .from(staffUsers)
      .where(and(eq(staffUsers.email, normalizeEmail(email)), eq(staffUsers.disabled, false)));
    if (!account) throw new ApiError('invalid_request', 'owner is not an active staff member.');
    return account;
  }
}
