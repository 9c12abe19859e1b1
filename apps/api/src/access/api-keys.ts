import { Injectable } from '@nestjs/common';
import { desc, eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { ApiKeyScope, ApiKeySummary, CreatedApiKey } from '@chat/contracts';
import type { ApiKeyPrincipal } from '../common/principal';
import { type Database, DatabaseConnection, rowsOf } from '../database/database';
import { apiKeys } from '../database/schema';
import { hashSecret, newSecret } from '../common/secret';

/** Keys start with this, so that a leaked one is recognisable (secret scanners look for prefixes). */
export const API_KEY_PREFIX = 'csk_';
/** How much of a key its list entry shows. */
const SHOWN_PREFIX_LENGTH = API_KEY_PREFIX.length + 6;
/** The longest a well-formed key can be: anything longer is refused without a lookup. */
const MAX_KEY_LENGTH = 128;

/**
 * Integration teams' API keys: created by an admin and shown once, stored as hashes, checked on
 * every call that sends one (so that a revoked key stops at once, on every instance).
 */
@Injectable()
export class ApiKeys {
  private readonly db: Database;

  constructor(connection: DatabaseConnection) {
    this.db = connection.db;
  }

  async create(name: string, scopes: readonly ApiKeyScope[]): Promise<CreatedApiKey> {
    const key = newSecret(API_KEY_PREFIX);
    const [row] = await this.db
      .insert(apiKeys)
      .values({
        id: randomUUID(),
        name,
        keyHash: hashSecret(key),
        prefix: key.slice(0, SHOWN_PREFIX_LENGTH),
        scopes: [...new Set(scopes)],
      })
      .returning();
    return {
      id: row.id,
      name: row.name,
      scopes: row.scopes,
      key,
      created_at: row.createdAt.toISOString(),
    };
  }

  async list(): Promise<ApiKeySummary[]> {
    const rows = await this.db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt));
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      scopes: row.scopes,
      created_at: row.createdAt.toISOString(),
      last_used_at: row.lastUsedAt?.toISOString() ?? null,
      revoked_at: row.revokedAt?.toISOString() ?? null,
    }));
  }

  /** Revokes the key `id`; false if there is no such key. Revoking twice keeps the first time. */
  async revoke(id: string): Promise<boolean> {
    const rows = await this.db
      .update(apiKeys)
      .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
      .where(eq(apiKeys.id, id))
      .returning({ id: apiKeys.id });
    return rows.length > 0;
  }

  /**
   * The live key `key` is, if any, in one round trip that also records its use (at most once a
   * minute, so that a busy key does not write on every call).
   */
  async verify(key: string): Promise<ApiKeyPrincipal | undefined> {
    if (!key.startsWith(API_KEY_PREFIX) || key.length > MAX_KEY_LENGTH) return undefined;
    const { rows } = await rowsOf<{ id: string; scopes: ApiKeyScope[] }>(
      this.db,
      sql`
        with live as (
          select id, scopes, last_used_at from ${apiKeys}
          where key_hash = ${hashSecret(key)} and revoked_at is null
        ),
        touched as (
          update ${apiKeys} set last_used_at = now()
          from live
          where ${apiKeys.id} = live.id
            and (live.last_used_at is null or live.last_used_at < now() - interval '1 minute')
        )
        select id, scopes from live`,
    );
    const row = rows[0];
    return row && { kind: 'api-key', id: row.id, scopes: row.scopes };
  }
}
