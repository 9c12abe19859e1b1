import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPostgresDatabase, testDatabaseEngines } from '@chat/test-support';
import { AssistantStore } from '../../src/assistants/assistant-store';
import type { DatabaseConfig } from '../../src/config/database.config';
import { defaultProfilePath } from '../../src/config/profile.config';
import { DatabaseConnection } from '../../src/database/database';
import { loadAssistantProfile } from '../../src/profile/profile.loader';

export interface TestDatabase {
  connection: DatabaseConnection;
  /** What `DATABASE_URL` / `DATA_DIR` would be to open the same database. */
  env: { DATABASE_URL?: string; DATA_DIR?: string };
  config: DatabaseConfig;
  dispose(): Promise<void>;
}

/** A new, migrated database on `engine`: PGlite in a temporary folder, or a new PostgreSQL database. */
export async function openTestDatabase(engine: 'pglite' | 'postgres'): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'chat-db-'));
    const config = { url: undefined, dataDir, poolSize: 4, timeoutMs: 5000 };
    const connection = await DatabaseConnection.open(config);
    return {
      connection,
      env: { DATA_DIR: dataDir },
      config,
      dispose: async () => {
        await connection.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const database = await createTestPostgresDatabase();
  const config = { url: database.url, dataDir: '', poolSize: 8, timeoutMs: 5000 };
  const connection = await DatabaseConnection.open(config);
  return {
    connection,
    env: { DATABASE_URL: database.url },
    config,
    dispose: async () => {
      await connection.close();
      await database.drop();
    },
  };
}

/** `describe` for suites that need the test PostgreSQL server: skipped (loudly, by the probe) without it. */
export function describeOnPostgres(name: string, suite: () => void): void {
  (testDatabaseEngines().includes('postgres') ? describe : describe.skip)(name, suite);
}

/**
 * The profile file imported as the default assistant's version 1, as the first start does: new
 * sessions run it (a database with no published assistant takes none).
 */
export async function importDefaultAssistant(connection: DatabaseConnection): Promise<void> {
  await new AssistantStore(connection).importDefault(loadAssistantProfile(defaultProfilePath()));
}
