import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  API_KEY_SCOPES,
  HANDOFF_STATES,
  KNOWLEDGE_MEDIA_TYPES,
  KNOWLEDGE_SOURCE_KINDS,
  KNOWLEDGE_SOURCE_STATUSES,
  type LeadData,
  type SourceReference,
  LEAD_CHANGE_FIELDS,
  LEAD_STATES,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_STATUSES,
  STAFF_ROLES,
  TRANSCRIPT_FINISH_REASONS,
  TRANSCRIPT_ROLES,
} from '@chat/contracts';

const LEAD_ACTIVITY_KINDS = ['note', 'change'] as const;
/** Where a session's email about an untaken request for a person stands. */
const HANDOFF_REMINDER_STATES = ['due', 'sent', 'failed'] as const;

/** A check that `column` holds one of `values` (drizzle's text enums are types only). */
const oneOf = (name: string, column: { name: string }, values: readonly string[]) =>
  check(name, sql.raw(`"${column.name}" in (${values.map((value) => `'${value}'`).join(', ')})`));

/*
 * The stored data, shaped by what the product does: a turn appends messages and updates its
 * session's lead; a completed lead queues notifications that workers claim. Every instance of
 * the API shares these tables. Migrations are generated from this file (`npx nx run
 * api:db-generate`) into `migrations/`, and a released migration is never edited.
 */

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/**
 * An integration team's key: shown once when created, stored as its SHA-256 (a random secret
 * of 256 bits needs no slow hash), with a short prefix kept so that people can tell keys apart.
 * Revoked keys are kept (the sessions they created still name them) and never match again.
 */
export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  /** The key's first characters, to recognise it in a list (not enough to guess the rest). */
  prefix: text('prefix').notNull(),
  scopes: text('scopes', { enum: API_KEY_SCOPES }).array().notNull(),
  createdAt: createdAt(),
  /** Recorded at most once a minute, so that a busy key does not write on every call. */
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/** A member of the business's staff. Emails are stored lowercased; passwords as argon2id hashes. */
export const staffUsers = pgTable(
  'staff_users',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull().unique(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: STAFF_ROLES }).notNull(),
    disabled: boolean('disabled').notNull().default(false),
    /** When a request for a person was last offered to them: requests go round, oldest first. */
    handoffOfferedAt: timestamp('handoff_offered_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [oneOf('staff_users_role_check', table.role, STAFF_ROLES)],
);

/** A signed-in staff member's session: the cookie holds the secret, the row its SHA-256. */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('staff_sessions_expires_at_idx').on(table.expiresAt)],
);

/**
 * Failed sign-ins per email, whether or not an account has it (so that the answer to a guess
 * never tells which emails exist): each failure delays the next allowed try, and enough of
 * them lock the email for a while. A try is counted before its password is checked (so that
 * concurrent tries cannot outrun the count); a success clears the row.
 */
export const loginFailures = pgTable('login_failures', {
  email: text('email').primaryKey(),
  failures: integer('failures').notNull(),
  lastFailureAt: timestamp('last_failure_at', { withTimezone: true }).notNull(),
  /** No try is checked before this time: the slowdown, and the lockout once failures pile up. */
  blockedUntil: timestamp('blocked_until', { withTimezone: true }).notNull(),
});

/** A visitor's conversation. Its id is the protocol's `session_id` (public, chosen by clients). */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    /** SHA-256 of the session's token, the owner's proof (the token itself is never stored). */
    tokenHash: text('token_hash'),
    /** The API key that created the session, which then owns it instead of a session token. */
    apiKeyId: uuid('api_key_id').references(() => apiKeys.id, { onDelete: 'set null' }),
    /**
     * The assistant and its published version the session runs, to its end. Null only for a
     * session from before assistants until the first start's import fills it in.
     */
    assistantId: text('assistant_id'),
    assistantVersion: integer('assistant_version'),
    /**
     * A staff member's try of the assistant's draft (`assistant_version` 0): never a lead, never
     * notified, continued only as a preview.
     */
    preview: boolean('preview').notNull().default(false),
    /**
     * Who answers the visitor (PROTOCOL.md, People in the conversation): the assistant, nobody yet
     * (`requested`, since `handoff_requested_at`, offered to `handoff_assignee_id`) or the staff
     * member `handoff_holder_id` (`human`), who alone may hold it.
     */
    handoffState: text('handoff_state', { enum: HANDOFF_STATES }).notNull().default('assistant'),
    handoffHolderId: uuid('handoff_holder_id').references(() => staffUsers.id, {
      onDelete: 'set null',
    }),
    handoffAssigneeId: uuid('handoff_assignee_id').references(() => staffUsers.id, {
      onDelete: 'set null',
    }),
    handoffRequestedAt: timestamp('handoff_requested_at', { withTimezone: true }),
    /** When a staff member first wrote after the request: once per request, for the metric. */
    handoffAnsweredAt: timestamp('handoff_answered_at', { withTimezone: true }),
    /**
     * The email to staff about a request nobody took (`HANDOFF_EMAIL_AFTER_MS`): `due` once the
     * request is made, leased while sent, `sent` once the mail server took it (or the request
     * was taken first). Retried with backoff like every notification.
     */
    handoffReminder: text('handoff_reminder', { enum: HANDOFF_REMINDER_STATES }),
    handoffReminderAttempts: integer('handoff_reminder_attempts').notNull().default(0),
    handoffReminderAt: timestamp('handoff_reminder_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    index('sessions_updated_at_idx').on(table.updatedAt),
    index('sessions_assistant_id_idx').on(table.assistantId),
    index('sessions_handoff_idx')
      .on(table.handoffState, table.updatedAt)
      .where(sql`handoff_state <> 'assistant'`),
    index('sessions_handoff_reminder_idx')
      .on(table.handoffReminderAt)
      .where(sql`handoff_reminder = 'due'`),
    oneOf('sessions_handoff_state_check', table.handoffState, HANDOFF_STATES),
  ],
);

/**
 * The transcript, one row per message, in `seq` order. The visitor's message is written
 * `pending` before the reply streams (a reload mid-reply shows it) and becomes part of the
 * transcript only with the turn's reply, in one transaction: a turn is all or nothing.
 */
export const messages = pgTable(
  'messages',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    id: uuid('id').notNull().unique(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    role: text('role', { enum: TRANSCRIPT_ROLES }).notNull(),
    content: text('content').notNull(),
    finishReason: text('finish_reason', { enum: TRANSCRIPT_FINISH_REASONS }),
    /** An assistant reply's `sources` event: the passages it was given (null: none). */
    sources: jsonb('sources').$type<SourceReference[]>(),
    pending: boolean('pending').notNull().default(false),
    /** A staff message's author, and their display name then (kept if the account goes). */
    authorId: uuid('author_id').references(() => staffUsers.id, { onDelete: 'set null' }),
    authorName: text('author_name'),
    createdAt: createdAt(),
  },
  (table) => [
    index('messages_session_seq_idx').on(table.sessionId, table.seq),
    oneOf('messages_role_check', table.role, TRANSCRIPT_ROLES),
    oneOf('messages_finish_reason_check', table.finishReason, TRANSCRIPT_FINISH_REASONS),
  ],
);

/** What a session collected about its visitor, and since when it is complete. One per session. */
export const leads = pgTable(
  'leads',
  {
    id: uuid('id').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .unique()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    fields: jsonb('fields').$type<LeadData>().notNull().default({}),
    state: text('state', { enum: LEAD_STATES }).notNull().default('collecting'),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    /**
     * The pipeline's stage. No check constraint: the stages are configured (`LEAD_STAGES`), and
     * a stage dropped from the configuration must not make old rows unwritable; the API checks.
     */
    stage: text('stage').notNull().default('new'),
    ownerId: uuid('owner_id').references(() => staffUsers.id, { onDelete: 'set null' }),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** When a staff member first opened it; null: unread. Per lead, not per staff member. */
    seenAt: timestamp('seen_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    index('leads_state_updated_at_idx').on(table.state, table.updatedAt),
    index('leads_created_at_idx').on(table.createdAt),
    index('leads_owner_id_idx').on(table.ownerId),
    oneOf('leads_state_check', table.state, LEAD_STATES),
  ],
);

/**
 * What the staff did with a lead, in order: a note, or a change of its stage, owner or tags
 * (from and to, as JSON). The actor is kept as an email, so that the record outlives the account;
 * it goes with the lead when the lead is erased.
 */
export const leadActivity = pgTable(
  'lead_activity',
  {
    id: uuid('id').primaryKey(),
    leadId: uuid('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: LEAD_ACTIVITY_KINDS }).notNull(),
    actorEmail: text('actor_email').notNull(),
    body: text('body'),
    field: text('field', { enum: LEAD_CHANGE_FIELDS }),
    fromValue: jsonb('from_value'),
    toValue: jsonb('to_value'),
    createdAt: createdAt(),
  },
  (table) => [
    index('lead_activity_lead_id_idx').on(table.leadId, table.createdAt),
    oneOf('lead_activity_kind_check', table.kind, LEAD_ACTIVITY_KINDS),
  ],
);

/**
 * What a row delivered through an outbox holds of its delivery (the columns `LeasedRows` claims
 * and settles): its status, attempts, the next attempt's time, the lease of the claim under way.
 */
const deliveryColumns = () => ({
  status: text('status', { enum: NOTIFICATION_STATUSES }).notNull().default('queued'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
  leaseUntil: timestamp('lease_until', { withTimezone: true }),
  /** Why the last attempt failed, as safe to show as the delivery channel made it: no secrets, no receiver's answer. */
  lastError: text('last_error'),
  sentAt: timestamp('sent_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * The durable outbox: one notification per lead and channel, recorded with the turn that
 * completes the lead. A worker claims it (`sending`, with a lease that another worker may take
 * over once it expires), delivers it, and records the outcome: `sent`, or `queued` again with
 * the next attempt's time, or `failed` once the attempts are spent.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    leadId: uuid('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    channel: text('channel', { enum: NOTIFICATION_CHANNELS }).notNull(),
    /**
     * A webhook's receiver, fixed when it is queued: the assistant version's
     * `notifications.webhook_url`; null for the deployment's `LEAD_WEBHOOK_URL`.
     */
    targetUrl: text('target_url'),
    ...deliveryColumns(),
  },
  (table) => [
    uniqueIndex('notifications_lead_channel_uq').on(table.leadId, table.channel),
    index('notifications_due_idx').on(table.status, table.nextAttemptAt),
    oneOf('notifications_channel_check', table.channel, NOTIFICATION_CHANNELS),
    oneOf('notifications_status_check', table.status, NOTIFICATION_STATUSES),
  ],
);

/**
 * The `lead.erased` notices owed to the webhook, one per erased lead that its receiver was sent
 * (or may hold: any webhook notification counts). The lead's own rows go with the erasure, so the
 * notice cannot sit in `notifications`: a trigger on them (migration 0003) writes it in the
 * erasure's own statement, whoever erases (staff, or the retention sweep), and nothing is lost to
 * a crash. It holds ids and times only, nothing of the person. Claimed, retried and settled like
 * a notification; its id is the webhook's `webhook-id`, the same on every attempt.
 */
export const erasureNotices = pgTable(
  'erasure_notices',
  {
    id: uuid('id').primaryKey(),
    /** The erased lead's id (no reference: the lead is gone). */
    leadId: uuid('lead_id').notNull(),
    erasedAt: timestamp('erased_at', { withTimezone: true }).notNull(),
    /** The receiver the lead went to (its webhook notification's `target_url`): told of the erasure. */
    targetUrl: text('target_url'),
    ...deliveryColumns(),
  },
  (table) => [
    index('erasure_notices_due_idx').on(table.status, table.nextAttemptAt),
    oneOf('erasure_notices_status_check', table.status, NOTIFICATION_STATUSES),
  ],
);

/**
 * An assistant (PROTOCOL.md, Assistants): its one draft, which staff edit, and whether it is the
 * deployment's default (at most one is: the partial unique index) or archived. Its published
 * versions are in `assistant_versions`. `updated_by` is the staff email of the last change.
 */
export const assistants = pgTable(
  'assistants',
  {
    id: text('id').primaryKey(),
    /** The profile's keys as JSON (`AssistantProfileDefinition`), valid when saved. */
    draft: jsonb('draft').$type<Record<string, unknown>>().notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    /**
     * The key of the HMAC a host site sends with a signed-in visitor's email (`identify`'s
     * `user_hash`, as Intercom's identity verification). A signing key, so kept as it is (a hash
     * could not sign): never in the draft, an export or a log; shown once, when made.
     */
    identitySecret: text('identity_secret'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    updatedBy: text('updated_by').notNull(),
  },
  (table) => [
    check('assistants_id_check', sql`${table.id} ~ '^[a-z0-9-]{1,64}$'`),
    uniqueIndex('assistants_one_default_uq')
      .on(table.isDefault)
      .where(sql`${table.isDefault}`),
  ],
);

/**
 * A published version of an assistant: written once, never changed (a trigger of migration 0004
 * refuses updates); the highest number is the live one. Restoring an old one publishes a copy.
 */
export const assistantVersions = pgTable(
  'assistant_versions',
  {
    assistantId: text('assistant_id')
      .notNull()
      .references(() => assistants.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
    publishedBy: text('published_by').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.assistantId, table.version] }),
    check('assistant_versions_version_check', sql`${table.version} > 0`),
  ],
);

/** A file's bytes, kept only until its job has read them. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * A document an assistant answers from (PROTOCOL.md, Knowledge). The upload stores it
 * `processing` with its bytes; the knowledge worker claims it with a lease (`lease_until`, taken
 * over once expired, so a restart resumes it), writes its passages and marks it `ready` (the
 * bytes go) or `failed` with a reason staff can read. Deleted with its assistant.
 */
export const knowledgeSources = pgTable(
  'knowledge_sources',
  {
    id: uuid('id').primaryKey(),
    assistantId: text('assistant_id')
      .notNull()
      .references(() => assistants.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: KNOWLEDGE_SOURCE_KINDS }).notNull(),
    title: text('title').notNull(),
    url: text('url'),
    /** As judged from the content, never from the name or the declared type. */
    mediaType: text('media_type', { enum: KNOWLEDGE_MEDIA_TYPES }).notNull(),
    bytes: integer('bytes').notNull(),
    content: bytea('content'),
    status: text('status', { enum: KNOWLEDGE_SOURCE_STATUSES }).notNull().default('processing'),
    error: text('error'),
    passages: integer('passages').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    createdAt: createdAt(),
    createdBy: text('created_by').notNull(),
    updatedAt: updatedAt(),
  },
  (table) => [
    index('knowledge_sources_assistant_idx').on(table.assistantId, table.createdAt),
    index('knowledge_sources_processing_idx')
      .on(table.createdAt)
      .where(sql`${table.status} = 'processing'`),
    oneOf('knowledge_sources_kind_check', table.kind, KNOWLEDGE_SOURCE_KINDS),
    oneOf('knowledge_sources_status_check', table.status, KNOWLEDGE_SOURCE_STATUSES),
    oneOf('knowledge_sources_media_type_check', table.mediaType, KNOWLEDGE_MEDIA_TYPES),
  ],
);

/**
 * A source's passages, written in one transaction when its job finishes. `search` is generated
 * (the heading weighs more than the text) and GIN-indexed: retrieval is SQL you can read.
 * `assistant_id` is the source's, copied so that a turn's search needs no join to filter.
 */
export const knowledgePassages = pgTable(
  'knowledge_passages',
  {
    id: uuid('id').primaryKey(),
    sourceId: uuid('source_id')
      .notNull()
      .references(() => knowledgeSources.id, { onDelete: 'cascade' }),
    assistantId: text('assistant_id').notNull(),
    position: integer('position').notNull(),
    heading: text('heading'),
    content: text('content').notNull(),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english', coalesce(heading, '')), 'A') || setweight(to_tsvector('english', content), 'B')`,
      ),
  },
  (table) => [
    index('knowledge_passages_search_idx').using('gin', table.search),
    index('knowledge_passages_assistant_idx').on(table.assistantId),
    uniqueIndex('knowledge_passages_source_position_uq').on(table.sourceId, table.position),
  ],
);

/**
 * How many of a source's passages hold each word (lexeme), written with its passages: retrieval
 * reads it to search by a question's rarer words first, so that a common one ("plan", "account")
 * does not make it rank thousands of passages. Summed over an assistant's sources, it is the
 * document frequency of each word in its knowledge.
 */
export const knowledgeTerms = pgTable(
  'knowledge_terms',
  {
    sourceId: uuid('source_id')
      .notNull()
      .references(() => knowledgeSources.id, { onDelete: 'cascade' }),
    assistantId: text('assistant_id').notNull(),
    lexeme: text('lexeme').notNull(),
    passages: integer('passages').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.sourceId, table.lexeme] }),
    index('knowledge_terms_assistant_lexeme_idx').on(table.assistantId, table.lexeme),
  ],
);

export const schema = {
  apiKeys,
  staffUsers,
  staffSessions,
  loginFailures,
  sessions,
  messages,
  leads,
  leadActivity,
  notifications,
  erasureNotices,
  assistants,
  assistantVersions,
  knowledgeSources,
  knowledgePassages,
  knowledgeTerms,
};
