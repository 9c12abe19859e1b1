import { sql } from 'drizzle-orm';
import { testDatabaseEngines } from '@chat/test-support';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { ApiError } from '../common/api-error';
import { defaultProfilePath } from '../config/profile.config';
import { assistants } from '../database/schema';
import type { AssistantProfileDefinition } from '../profile/assistant-profile';
import { loadAssistantProfile } from '../profile/profile.loader';
import { AssistantStore, IMPORTED_BY } from './assistant-store';

const profile = loadAssistantProfile(defaultProfilePath());

/** The bundled profile as a plain draft, changed by `change`. */
function draftOf(change: Partial<AssistantProfileDefinition> = {}): Record<string, unknown> {
  const { id: _id, ...rest } = structuredClone({ ...profile }) as Record<string, unknown>;
  return { ...rest, ...change };
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe.each(testDatabaseEngines())('AssistantStore on %s', (engine) => {
  let database: TestDatabase;
  let store: AssistantStore;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    store = new AssistantStore(database.connection);
  }, 30_000);
  afterAll(() => database.dispose());
  beforeEach(() => database.connection.db.delete(assistants));

  it('imports the profile once as the default assistant, even when instances start together', async () => {
    const imported = await Promise.all([1, 2, 3, 4].map(() => store.importDefault(profile)));
    expect(imported.filter(Boolean)).toHaveLength(1);
    expect(await store.importDefault(profile)).toBe(false);

    const detail = await store.get(profile.id);
    expect(detail).toMatchObject({
      id: 'trading-education',
      is_default: true,
      archived: false,
      published_version: 1,
      versions: [{ version: 1, published_by: IMPORTED_BY }],
      updated_by: IMPORTED_BY,
    });
    expect(detail.draft['greeting']).toBe(profile.greeting);
    expect((await store.published(profile.id))?.definition.name).toBe(profile.name);
    expect(await store.defaultId()).toBe(profile.id);
  });

  it('does not import into a database that holds assistants', async () => {
    await store.create('other', draftOf(), 'a@example.com');
    expect(await store.importDefault(profile)).toBe(false);
    expect(await store.defaultId()).toBeUndefined();
  });

  it('creates from JSON and YAML, refusing a taken or malformed id', async () => {
    const created = await store.create('sales', draftOf({ name: 'Sales' }), 'a@example.com');
    expect(created).toMatchObject({
      id: 'sales',
      published_version: null,
      versions: [],
      updated_by: 'a@example.com',
    });
    expect(created.draft).toMatchObject({ id: 'sales', version: 1, name: 'Sales' });
    expect(await store.published('sales')).toBeUndefined();

    expect(await refusal(store.create('sales', draftOf(), 'a@example.com'))).toEqual({
      code: 'invalid_request',
      message: 'An assistant with the id sales exists already.',
    });
    expect((await refusal(store.create('Sales!', draftOf(), 'a'))).message).toBe(
      'id: must be 1 to 64 of a-z, 0-9 and -.',
    );

    const yaml = await store.exportYaml('sales');
    const copy = await store.createFromYaml(yaml, 'sales-copy', 'b@example.com');
    expect(copy.draft).toEqual({ ...created.draft, id: 'sales-copy' });
    expect(
      (await store.createFromYaml(yaml.replace('id: sales', 'id: sales-2'), undefined, 'b')).id,
    ).toBe('sales-2');
    expect((await refusal(store.createFromYaml('name: [x', undefined, 'b'))).message).toMatch(
      /^The profile is invalid: YAML: /,
    );
    expect((await store.list()).map((item) => item.id)).toEqual(['sales', 'sales-2', 'sales-copy']);
  });

  it('refuses a wrong draft naming every key, and keeps the draft as it was', async () => {
    await store.create('sales', draftOf(), 'a@example.com');
    const fields = structuredClone(profile.fields) as unknown as Record<string, unknown>[];
    fields[2]['kind'] = 'number';
    const wrong = {
      ...draftOf(),
      fields,
      colour: 'blue',
      appearance: { title: 'x', accent_color: 'red', launcher_label: 'Ask', position: 'top' },
    };
    const { code, message } = await refusal(store.saveDraft('sales', wrong, 'b@example.com'));
    expect(code).toBe('invalid_request');
    for (const problem of [
      'fields[2].kind: must be one of',
      'colour: unknown key',
      'appearance.accent_color: must be a colour as #rrggbb',
      'appearance.position: must be one of',
    ])
      expect(message).toContain(problem);
    expect(
      (await refusal(store.saveDraft('sales', { ...draftOf(), id: 'other' }, 'b'))).message,
    ).toBe("The draft is invalid: id: must be the assistant's id (sales).");
    const after = await store.get('sales');
    expect(after.draft['fields']).toEqual(profile.fields);
    expect(after.updated_by).toBe('a@example.com');
    expect((await refusal(store.saveDraft('nobody', draftOf(), 'b'))).code).toBe('not_found');
  });

  it('publishes n+1, restores a copy of an old version, and never numbers two publishes alike', async () => {
    await store.create('sales', draftOf({ greeting: 'First' }), 'a@example.com');
    await store.publish('sales', 'a@example.com');
    await store.saveDraft('sales', draftOf({ greeting: 'Second' }), 'b@example.com');
    const second = await store.publish('sales', 'b@example.com');
    expect(second.versions.map((v) => [v.version, v.published_by])).toEqual([
      [1, 'a@example.com'],
      [2, 'b@example.com'],
    ]);
    expect((await store.published('sales'))?.definition.greeting).toBe('Second');

    const restored = await store.restore('sales', 1, 'c@example.com');
    expect(restored.published_version).toBe(3);
    expect(restored.draft['greeting']).toBe('Second');
    expect(await store.published('sales')).toMatchObject({
      version: 3,
      definition: { greeting: 'First' },
    });
    expect((await refusal(store.restore('sales', 9, 'c'))).code).toBe('not_found');

    const results = await Promise.all(Array.from({ length: 6 }, () => store.publish('sales', 'd')));
    expect(results).toHaveLength(6);
    const { versions } = await store.get('sales');
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps a published version as it was written', async () => {
    await store.create('sales', draftOf(), 'a@example.com');
    await store.publish('sales', 'a@example.com');
    await expect(
      database.connection.db.execute(sql`update assistant_versions set published_by = 'x'`),
    ).rejects.toThrow();
  });

  it('archives (not the default): no public version, read only, twice keeps the first time', async () => {
    await store.importDefault(profile);
    expect((await refusal(store.archive(profile.id, 'a'))).message).toMatch(
      /^The default assistant cannot be archived/,
    );
    await store.create('sales', draftOf(), 'a@example.com');
    await store.publish('sales', 'a@example.com');
    await store.archive('sales', 'b@example.com');
    const [first] = await database.connection.db
      .select()
      .from(assistants)
      .where(sql`id = 'sales'`);
    await store.archive('sales', 'c@example.com');
    const [second] = await database.connection.db
      .select()
      .from(assistants)
      .where(sql`id = 'sales'`);
    expect(second.archivedAt).toEqual(first.archivedAt);
    expect(second.updatedBy).toBe('b@example.com');

    expect(await store.published('sales')).toBeUndefined();
    expect((await store.get('sales')).archived).toBe(true);
    expect((await refusal(store.publish('sales', 'a'))).message).toMatch(/archived/);
    expect((await refusal(store.archive('nobody', 'a'))).code).toBe('not_found');
  });

  it('allows one default assistant only', async () => {
    await store.importDefault(profile);
    await store.create('sales', draftOf(), 'a');
    await expect(
      database.connection.db.execute(
        sql`update assistants set is_default = true where id = 'sales'`,
      ),
    ).rejects.toThrow();
  });
});
