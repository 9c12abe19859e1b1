import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * The PostgreSQL server the tests use beside the embedded PGlite: `TEST_POSTGRES_URL`, by
 * default the local server's `test` database (trust auth). Each suite makes its own database
 * on it and drops it afterwards.
 */
export const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** Set by {@link probeTestPostgres} for the test files: the server's URL, or empty when unreachable. */
const AVAILABLE_ENV = 'TEST_POSTGRES_AVAILABLE_URL';

/**
 * For a Jest `globalSetup`: checks once that the PostgreSQL server answers. Under `CI=true` an
 * unreachable server fails the run (no suite may skip itself there); elsewhere the PostgreSQL
 * suites are skipped and the run says so loudly.
 */
export async function probeTestPostgres(): Promise<void> {
  const url = process.env['TEST_POSTGRES_URL'] ?? DEFAULT_TEST_POSTGRES_URL;
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    process.env[AVAILABLE_ENV] = url;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (process.env['CI'] === 'true') {
      throw new Error(
        `PostgreSQL for the tests is unreachable at ${redact(url)} (${why}); under CI=true its suites must run.`,
        {
          cause: error,
        },
      );
    }
    process.env[AVAILABLE_ENV] = '';
    const line = '!'.repeat(100);
    console.warn(
      `\n${line}\n!! PostgreSQL is unreachable at ${redact(url)} (${why}).\n` +
        `!! The PostgreSQL suites are SKIPPED; only the embedded PGlite ran. Start PostgreSQL or set TEST_POSTGRES_URL.\n${line}\n`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The engines the store suites run on: PGlite always, PostgreSQL when {@link probeTestPostgres} found it. */
export function testDatabaseEngines(): ('pglite' | 'postgres')[] {
  return process.env[AVAILABLE_ENV] ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestPostgresDatabase {
  /** The new database's URL, for `DATABASE_URL`. */
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database on the test server (see {@link testDatabaseEngines}). */
export async function createTestPostgresDatabase(
  prefix = 'chat_test',
): Promise<TestPostgresDatabase> {
  const adminUrl =
    process.env[AVAILABLE_ENV] || process.env['TEST_POSTGRES_URL'] || DEFAULT_TEST_POSTGRES_URL;
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withClient(adminUrl, (client) =>
        client.query(`drop database if exists ${name} with (force)`),
      ).then(() => undefined),
  };
}

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'TEST_POSTGRES_URL';
  }
}
