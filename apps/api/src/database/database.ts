import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { type SQL, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator';
import { Pool } from 'pg';
import type { DatabaseConfig } from '../config/database.config';
import { schema } from './schema';
import { StatementLanes } from './statement-lanes';

/** The typed query builder over either engine: the same schema and queries run on both. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Runs a raw statement: both drivers answer its rows as `rows`. */
export async function rowsOf<Row>(db: Database, query: SQL): Promise<{ rows: Row[] }> {
  return (await db.execute(query)) as unknown as { rows: Row[] };
}

/** Where the versioned SQL migrations are, beside this file in the sources and in the build. */
export const MIGRATIONS_FOLDER = join(__dirname, 'migrations');

/**
 * PostgreSQL settings of the embedded database. PGlite's WebAssembly memory only grows, and
 * PostgreSQL's default 128 MB of shared buffers grew it to 191 MiB where 16 MB keeps it at its
 * 128 MiB floor: about 130 MiB less RSS for one instance, measured with 2,000 rows written and
 * read back (`docs/performance-log.md`, issue 25). An instance's sessions and leads fit in 16 MB many times over;
 * PostgreSQL proper (`DATABASE_URL`) keeps the settings of its own server.
 */
export const PGLITE_SETTINGS = ['shared_buffers = 16MB'];

/** Any number, the same on every instance: migrations of instances starting together run one at a time. */
const MIGRATION_LOCK_ID = 734_201_913;

export type DatabaseEngine = 'pglite' | 'postgres';

/**
 * The database of this instance: PostgreSQL through a connection pool when `DATABASE_URL` is
 * set, otherwise PGlite (PostgreSQL compiled to WebAssembly) in `DATA_DIR`, one process at a time.
 */
export class DatabaseConnection {
  /** Where the turn's statements wait, a stream's start before other turns' closing writes. */
  readonly lanes: StatementLanes;

  private constructor(
    readonly db: Database,
    readonly engine: DatabaseEngine,
    private readonly closeClient: () => Promise<void>,
    statementSlots: number,
  ) {
    this.lanes = new StatementLanes(statementSlots);
  }

  /** Opens the configured engine and brings its schema up to date. */
  static async open(
    config: DatabaseConfig,
    onPoolError: (error: Error) => void = ignore,
  ): Promise<DatabaseConnection> {
    const connection = config.url
      ? DatabaseConnection.postgres(config, onPoolError)
      : await DatabaseConnection.pglite(config.dataDir);
    try {
      await connection.migrate();
    } catch (error) {
      await connection.close();
      throw error;
    }
    return connection;
  }

  private static postgres(
    config: DatabaseConfig,
    onPoolError: (error: Error) => void,
  ): DatabaseConnection {
    const pool = new Pool({
      connectionString: config.url,
      max: config.poolSize,
      connectionTimeoutMillis: config.timeoutMs,
      query_timeout: config.timeoutMs,
      idleTimeoutMillis: 30_000,
    });
    // An idle connection that the server drops must not crash the process: the pool replaces it.
    pool.on('error', onPoolError);
    return new DatabaseConnection(
      drizzlePostgres({ client: pool, schema }),
      'postgres',
      () => pool.end(),
      config.poolSize,
    );
  }

  private static async pglite(dataDir: string): Promise<DatabaseConnection> {
    mkdirSync(dataDir, { recursive: true });
    // pgvector is loaded always and created when knowledge embeddings are turned on.
    const client = await PGlite.create(dataDir, {
      postgresqlconf: PGLITE_SETTINGS,
      extensions: { vector },
    });
    // PGlite runs one statement at a time.
    return new DatabaseConnection(
      drizzlePglite({ client, schema }),
      'pglite',
      () => client.close(),
      1,
    );
  }

  /** Applies the migrations not applied yet, holding a lock so that instances take turns. */
  async migrate(): Promise<void> {
    if (this.engine === 'pglite') {
      await migratePglite(this.db as Parameters<typeof migratePglite>[0], {
        migrationsFolder: MIGRATIONS_FOLDER,
      });
      return;
    }
    const pool = (this.db as unknown as { $client: Pool }).$client;
    const client = await pool.connect();
    try {
      await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
      await migratePostgres(drizzlePostgres({ client, schema }), {
        migrationsFolder: MIGRATIONS_FOLDER,
      });
    } finally {
      await client
        .query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_ID])
        .catch(() => undefined);
      client.release();
    }
  }

  /** Whether the database answers now. */
  async isReady(): Promise<boolean> {
    try {
      await this.db.execute(sql`select 1`);
      return true;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.closeClient();
  }
}

function ignore(): void {
  // An error nobody asked to hear of.
}
