import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { DatabaseConnection, rowsOf } from './database';

// Each test starts PGlite (its WebAssembly and `initdb`): seconds on a busy machine.
jest.setTimeout(60_000);

describe('DatabaseConnection on PGlite', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'database-spec-'));
  });

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const open = () =>
    DatabaseConnection.open({ url: undefined, dataDir, poolSize: 1, timeoutMs: 5_000 });

  async function sharedBuffers(connection: DatabaseConnection): Promise<string> {
    const { rows } = await rowsOf<{ shared_buffers: string }>(
      connection.db,
      sql`show shared_buffers`,
    );
    return rows[0].shared_buffers;
  }

  it('bounds its WebAssembly memory with small shared buffers, and migrates', async () => {
    const connection = await open();
    try {
      expect(await sharedBuffers(connection)).toBe('16MB');
      const { rows } = await rowsOf<{ count: number }>(
        connection.db,
        sql`select count(*)::int as count from information_schema.tables where table_name = 'sessions'`,
      );
      expect(rows[0].count).toBe(1);
    } finally {
      await connection.close();
    }
  });

  it('applies the settings to a data folder created without them', async () => {
    const bare = await PGlite.create(dataDir);
    expect(
      (await bare.query<{ shared_buffers: string }>('show shared_buffers')).rows[0].shared_buffers,
    ).toBe('128MB');
    await bare.close();
    const connection = await open();
    try {
      expect(await sharedBuffers(connection)).toBe('16MB');
    } finally {
      await connection.close();
    }
  });
});
