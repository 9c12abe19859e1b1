import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { stringify } from 'yaml';
import type { AssistantDetail, AssistantDraft, AssistantSummary } from '@chat/contracts';
import { ApiError } from '../common/api-error';
import { type Database, DatabaseConnection, rowsOf } from '../database/database';
import { assistants, assistantVersions, sessions } from '../database/schema';
import type { AssistantProfileDefinition } from '../profile/assistant-profile';
import { ASSISTANT_ID, ASSISTANT_ID_MESSAGE } from '../profile/profile-schema';
import { checkProfile, readProfileYaml } from '../profile/profile-validation';

/** Who published the version imported from the profile file at first start. */
export const IMPORTED_BY = 'import';

/** The version that runs an assistant's new sessions. */
export interface PublishedAssistant {
  id: string;
  version: number;
  definition: AssistantProfileDefinition;
}

const notFound = () => new ApiError('not_found', 'No such assistant.');

/**
 * A draft as stored: the profile's keys, with `version` (the format, 1) and `id` (the
 * assistant's) filled in when left out, checked by the one profile schema. Anything wrong is one
 * `400 invalid_request` naming every key, and nothing is saved.
 */
export function checkedDraft(id: string, input: unknown): AssistantProfileDefinition {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ApiError('invalid_request', 'The draft must be a JSON object of profile keys.');
  }
  const draft = { version: 1, id, ...(input as Record<string, unknown>) };
  if (draft.id !== id) {
    throw new ApiError(
      'invalid_request',
      `The draft is invalid: id: must be the assistant's id (${id}).`,
    );
  }
  const checked = checkProfile(draft);
  if (!checked.ok)
    throw new ApiError('invalid_request', `The draft is invalid: ${checked.problems.join('; ')}.`);
  return checked.profile;
}

/** A profile file's text as a draft: its YAML problems, or the mapping it holds (not yet checked). */
export function draftFromYaml(text: string): Record<string, unknown> {
  const read = readProfileYaml(text);
  if (!read.ok)
    throw new ApiError('invalid_request', `The profile is invalid: ${read.problems.join('; ')}.`);
  if (read.value === null || typeof read.value !== 'object' || Array.isArray(read.value))
    throw new ApiError(
      'invalid_request',
      'The profile must hold a mapping (version, id, name, ...).',
    );
  return read.value as Record<string, unknown>;
}

function checkedId(id: unknown): string {
  if (typeof id !== 'string' || !ASSISTANT_ID.test(id))
    throw new ApiError('invalid_request', `id: ${ASSISTANT_ID_MESSAGE}.`);
  return id;
}

/**
 * The assistants and their versions (PROTOCOL.md, Assistants): one draft each, which staff save
 * whole and valid, and numbered published versions that never change. `actor` is who made a
 * change (a staff email, or {@link IMPORTED_BY}), recorded with its time.
 */
@Injectable()
export class AssistantStore {
  private readonly db: Database;

  constructor(connection: DatabaseConnection) {
    this.db = connection.db;
  }

  async list(): Promise<AssistantSummary[]> {
    const rows = await this.db
      .select({
        id: assistants.id,
        name: sql<string>`${assistants.draft} ->> 'name'`,
        publishedVersion: sql<number | null>`(select max(${assistantVersions.version})
          from ${assistantVersions} where ${assistantVersions.assistantId} = ${assistants.id})`,
        archivedAt: assistants.archivedAt,
        isDefault: assistants.isDefault,
        updatedAt: assistants.updatedAt,
        updatedBy: assistants.updatedBy,
      })
      .from(assistants)
      .orderBy(desc(assistants.isDefault), assistants.id);
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      published_version: row.publishedVersion === null ? null : Number(row.publishedVersion),
      archived: row.archivedAt !== null,
      is_default: row.isDefault,
      updated_at: row.updatedAt.toISOString(),
      updated_by: row.updatedBy,
    }));
  }

  /** The assistant with its draft and versions (archived ones too); `404 not_found` if none. */
  async get(id: string): Promise<AssistantDetail> {
    const [row] = await this.db.select().from(assistants).where(eq(assistants.id, id));
    if (!row) throw notFound();
    const versions = await this.db
      .select({
        version: assistantVersions.version,
        publishedAt: assistantVersions.publishedAt,
        publishedBy: assistantVersions.publishedBy,
      })
      .from(assistantVersions)
      .where(eq(assistantVersions.assistantId, id))
      .orderBy(assistantVersions.version);
    return {
      id: row.id,
      draft: row.draft as AssistantDraft,
      published_version: versions.at(-1)?.version ?? null,
      versions: versions.map((version) => ({
        version: version.version,
        published_at: version.publishedAt.toISOString(),
        published_by: version.publishedBy,
      })),
      archived: row.archivedAt !== null,
      is_default: row.isDefault,
      updated_at: row.updatedAt.toISOString(),
      updated_by: row.updatedBy,
      identity_verification: row.identitySecret !== null,
    };
  }

  /** A new assistant with `draft` (not published yet). An id already taken is `400 invalid_request`. */
  async create(id: unknown, draft: unknown, actor: string): Promise<AssistantDetail> {
    const assistantId = checkedId(id);
    const definition = checkedDraft(assistantId, draft);
    const inserted = await this.db
      .insert(assistants)
      .values({ id: assistantId, draft: { ...definition }, updatedBy: actor })
      .onConflictDoNothing()
      .returning({ id: assistants.id });
    if (inserted.length === 0)
      throw new ApiError(
        'invalid_request',
        `An assistant with the id ${assistantId} exists already.`,
      );
    return this.get(assistantId);
  }

  /** {@link create} from a profile file's text; the id is `id` if given, else the file's. */
  async createFromYaml(
    text: string,
    id: string | undefined,
    actor: string,
  ): Promise<AssistantDetail> {
    const draft = draftFromYaml(text);
    const assistantId = id ?? draft['id'];
    return this.create(assistantId, { ...draft, id: assistantId }, actor);
  }

  /** Replaces the draft with a valid one; an archived assistant is read only. */
  async saveDraft(id: string, draft: unknown, actor: string): Promise<AssistantDetail> {
    const definition = checkedDraft(id, draft);
    await this.db.transaction(async (tx) => {
      await this.writable(tx, id);
      await tx
        .update(assistants)
        .set({ draft: { ...definition }, updatedAt: sql`now()`, updatedBy: actor })
        .where(eq(assistants.id, id));
    });
    return this.get(id);
  }

  /** Publishes the draft, checked again (the rules may have grown since it was saved), as version n+1. */
  async publish(id: string, actor: string): Promise<AssistantDetail> {
    await this.db.transaction(async (tx) => {
      const row = await this.writable(tx, id);
      await this.addVersion(tx, id, checkedDraft(id, row.draft), actor);
    });
    return this.get(id);
  }

  /** Publishes a copy of version `version` as n+1 (the draft stays as it is). */
  async restore(id: string, version: number, actor: string): Promise<AssistantDetail> {
    await this.db.transaction(async (tx) => {
      await this.writable(tx, id);
      const [old] = await tx
        .select({ definition: assistantVersions.definition })
        .from(assistantVersions)
        .where(and(eq(assistantVersions.assistantId, id), eq(assistantVersions.version, version)));
      if (!old) throw new ApiError('not_found', `The assistant has no version ${version}.`);
      await this.addVersion(tx, id, old.definition, actor);
    });
    return this.get(id);
  }

  /**
   * Archives the assistant: no new sessions, and it is read only; what it collected is kept.
   * The default assistant answers the calls that name none, so it cannot be archived.
   * Archiving twice keeps the first time.
   */
  async archive(id: string, actor: string): Promise<void> {
    const [row] = await this.db
      .select({ isDefault: assistants.isDefault })
      .from(assistants)
      .where(eq(assistants.id, id));
    if (!row) throw notFound();
    if (row.isDefault)
      throw new ApiError(
        'invalid_request',
        'The default assistant cannot be archived: calls that name no assistant use it.',
      );
    await this.db
      .update(assistants)
      .set({ archivedAt: sql`now()`, updatedAt: sql`now()`, updatedBy: actor })
      .where(and(eq(assistants.id, id), isNull(assistants.archivedAt)));
  }

  /** The draft in the profile file's format, which {@link createFromYaml} reads back. */
  async exportYaml(id: string): Promise<string> {
    const { draft } = await this.get(id);
    return stringify(draft, { lineWidth: 0 });
  }

  /**
   * The live version of an assistant that takes new sessions (the default assistant's without
   * `id`); none if unknown, archived or never published.
   */
  async published(id?: string): Promise<PublishedAssistant | undefined> {
    const [row] = await this.db
      .select({
        id: assistantVersions.assistantId,
        version: assistantVersions.version,
        definition: assistantVersions.definition,
      })
      .from(assistantVersions)
      .innerJoin(assistants, eq(assistants.id, assistantVersions.assistantId))
      .where(
        and(
          id === undefined ? eq(assistants.isDefault, true) : eq(assistantVersions.assistantId, id),
          isNull(assistants.archivedAt),
        ),
      )
      .orderBy(desc(assistantVersions.version))
      .limit(1);
    return (
      row && {
        id: row.id,
        version: row.version,
        definition: row.definition as unknown as AssistantProfileDefinition,
      }
    );
  }

  /** The definition of version `version` of `id` (archived or not: its sessions run on), if any. */
  async version(id: string, version: number): Promise<AssistantProfileDefinition | undefined> {
    const [row] = await this.db
      .select({ definition: assistantVersions.definition })
      .from(assistantVersions)
      .where(and(eq(assistantVersions.assistantId, id), eq(assistantVersions.version, version)));
    return row?.definition as unknown as AssistantProfileDefinition | undefined;
  }

  /**
   * The website origins allowed to embed `assistantId` (the default assistant without it): its
   * live version's `allowed_origins`; none when it is unknown, archived or never published.
   * Without an id and with `any`, those of every live assistant (what CORS may answer).
   */
  async embeddingOrigins(scope: { assistantId?: string } | 'any'): Promise<string[]> {
    const which =
      scope === 'any'
        ? sql`true`
        : scope.assistantId === undefined
          ? sql`a.is_default`
          : sql`a.id = ${scope.assistantId}`;
    const { rows } = await rowsOf<{ origin: string }>(
      this.db,
      sql`
        select distinct origin.value as origin
        from ${assistants} a
        join ${assistantVersions} v on v.assistant_id = a.id
          and v.version = (select max(version) from ${assistantVersions} where assistant_id = a.id)
        cross join lateral jsonb_array_elements_text(coalesce(v.definition -> 'allowed_origins', '[]'::jsonb)) as origin(value)
        where a.archived_at is null and ${which}`,
    );
    return rows.map((row) => row.origin);
  }

  /**
   * Makes a new identity secret for `id` (the old one stops verifying at once) and answers it:
   * the only time it is shown. 32 random bytes, base64url, prefixed `idv_`.
   */
  async rotateIdentitySecret(id: string, actor: string): Promise<string> {
    const secret = `idv_${randomBytes(32).toString('base64url')}`;
    await this.db.transaction(async (tx) => {
      await this.writable(tx, id);
      await tx
        .update(assistants)
        .set({ identitySecret: secret, updatedAt: sql`now()`, updatedBy: actor })
        .where(eq(assistants.id, id));
    });
    return secret;
  }

  /** The identity secret of `id`, if it has one (for verifying a host site's `user_hash`). */
  async identitySecret(id: string): Promise<string | undefined> {
    const [row] = await this.db
      .select({ secret: assistants.identitySecret })
      .from(assistants)
      .where(eq(assistants.id, id));
    return row?.secret ?? undefined;
  }

  /** The saved draft of `id` (archived or not), as a definition: what a preview runs. */
  async draft(id: string): Promise<AssistantProfileDefinition | undefined> {
    const [row] = await this.db
      .select({ draft: assistants.draft })
      .from(assistants)
      .where(eq(assistants.id, id));
    return row?.draft as unknown as AssistantProfileDefinition | undefined;
  }

  /**
   * The field names of every published version of `assistantId` (of every assistant without
   * one), each once: the default assistant's first, then by assistant, newest version first, in
   * each version's order. The columns of a lead export, so that no lead's details are left out.
   */
  async fieldNames(assistantId?: string): Promise<string[]> {
    const { rows } = await rowsOf<{ name: string }>(
      this.db,
      sql`
        select field.value ->> 'name' as name
        from ${assistantVersions} v
        join ${assistants} a on a.id = v.assistant_id
        cross join lateral jsonb_array_elements(v.definition -> 'fields') with ordinality as field(value, position)
        where ${assistantId ?? null}::text is null or v.assistant_id = ${assistantId ?? null}::text
        order by a.is_default desc, a.id, v.version desc, field.position`,
    );
    return [...new Set(rows.map((row) => row.name))];
  }

  /** The default assistant's id (none before the first start's import). */
  async defaultId(): Promise<string | undefined> {
    const [row] = await this.db
      .select({ id: assistants.id })
      .from(assistants)
      .where(eq(assistants.isDefault, true));
    return row?.id;
  }

  /**
   * On a first start (no assistant at all), the profile file becomes the default assistant,
   * published as version 1 by {@link IMPORTED_BY}. Instances starting together insert the same
   * row: the one whose insert wins publishes, the others find it there. Answers whether it imported.
   */
  async importDefault(profile: AssistantProfileDefinition): Promise<boolean> {
    const definition = checkedDraft(profile.id, profile);
    return this.db.transaction(async (tx) => {
      const inserted = await tx.execute(sql`
        insert into ${assistants} (id, draft, is_default, updated_by)
        select ${definition.id}, ${JSON.stringify(definition)}::jsonb, true, ${IMPORTED_BY}
        where not exists (select 1 from ${assistants})
        on conflict do nothing
        returning id`);
      if (rowCount(inserted) === 0) return false;
      await tx.insert(assistantVersions).values({
        assistantId: definition.id,
        version: 1,
        definition: { ...definition },
        publishedBy: IMPORTED_BY,
      });
      // Sessions from before assistants (migration 0005 found none to name) ran this profile.
      await tx
        .update(sessions)
        .set({ assistantId: definition.id, assistantVersion: 1 })
        .where(isNull(sessions.assistantId));
      return true;
    });
  }

  /** Locks the assistant's row for the transaction's change; unknown `404`, archived `400`. */
  private async writable(tx: Transaction, id: string) {
    const [row] = await tx.select().from(assistants).where(eq(assistants.id, id)).for('update');
    if (!row) throw notFound();
    if (row.archivedAt)
      throw new ApiError('invalid_request', 'The assistant is archived: it can no longer change.');
    return row;
  }

  /** Version n+1, under the row lock of {@link writable}: two publishes never get the same number. */
  private async addVersion(
    tx: Transaction,
    id: string,
    definition: object,
    actor: string,
  ): Promise<void> {
    await tx.execute(sql`
      insert into ${assistantVersions} (assistant_id, version, definition, published_by)
      select ${id}, coalesce(max(version), 0) + 1, ${JSON.stringify(definition)}::jsonb, ${actor}
      from ${assistantVersions} where assistant_id = ${id}`);
    await tx
      .update(assistants)
      .set({ updatedAt: sql`now()`, updatedBy: actor })
      .where(eq(assistants.id, id));
  }
}

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** The rows a statement returned, on either driver. */
function rowCount(result: unknown): number {
  return (result as { rows: unknown[] }).rows.length;
}
