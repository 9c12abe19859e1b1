import { testDatabaseEngines } from '@chat/test-support';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { AssistantStore } from '../assistants/assistant-store';
import { defaultProfilePath } from '../config/profile.config';
import { eq } from 'drizzle-orm';
import { knowledgeSources, knowledgeTerms } from '../database/schema';
import { loadAssistantProfile } from '../profile/profile.loader';
import { KnowledgeStore } from './knowledge-store';

const LIMITS = { maxSources: 3, maxPassagesPerAssistant: 10 };

describe.each(testDatabaseEngines())('KnowledgeStore on %s', (engine) => {
  let database: TestDatabase;
  let store: KnowledgeStore;

  beforeAll(async () => {
    database = await openTestDatabase(engine);
    store = new KnowledgeStore(database.connection);
    await new AssistantStore(database.connection).importDefault(
      loadAssistantProfile(defaultProfilePath()),
    );
  }, 30_000);
  afterAll(() => database.dispose());
  beforeEach(() => database.connection.db.delete(knowledgeSources));

  const add = (title = 'Pricing.md') =>
    store.add(
      {
        kind: 'file',
        assistantId: 'trading-education',
        title,
        mediaType: 'text/markdown',
        content: Buffer.from('# Plans\n\nThe premium plan costs 49 euros a month.'),
        createdBy: 'admin@example.com',
      },
      LIMITS,
    );

  it('stores an upload as processing, then its passages in one go, searchable by some of the words', async () => {
    const added = await add();
    expect(added).toMatchObject({
      title: 'Pricing.md',
      status: 'processing',
      chunks: 0,
      bytes: 49,
    });
    const [claim] = await store.claim(60_000, 5, 3);
    expect(claim).toMatchObject({ id: added.id, attempt: 1 });
    expect(claim.content.toString()).toContain('premium plan');
    // Held: no other claim takes it meanwhile.
    expect(await store.claim(60_000, 5, 3)).toEqual([]);

    const passages = [
      { position: 0, heading: 'Plans', content: 'The premium plan costs 49 euros a month.' },
      { position: 1, heading: 'Refunds', content: 'Refunds are paid within 14 days.' },
    ];
    expect(await store.complete(claim, passages, 10)).toEqual({ stored: true });
    const [listed] = await store.list('trading-education');
    expect(listed).toMatchObject({ status: 'ready', chunks: 2 });

    const hits = await store.search('trading-education', 'How much is the premium plan?', 4);
    expect(hits.map((hit) => hit.content)).toEqual([passages[0].content]);
    expect(hits[0]).toMatchObject({ title: 'Pricing.md', heading: 'Plans', source_id: added.id });
    expect(hits[0].score).toBeGreaterThan(0);
    expect(await store.search('trading-education', 'the of and', 4)).toEqual([]);

    await store.remove('trading-education', added.id);
    expect(await store.search('trading-education', 'premium plan', 4)).toEqual([]);
  });

  it('searches a question by its rarer words, ranking by all of them, and counts words per source', async () => {
    const added = await add();
    const [claim] = await store.claim(60_000, 5, 3);
    // 500 passages say "plan", more than a search ranks; one says "refund" too.
    const passages = Array.from({ length: 500 }, (_, position) => ({
      position,
      heading: null,
      content: position === 321 ? 'Every plan may ask for a refund.' : `Plan number ${position}.`,
    }));
    expect(await store.complete(claim, passages, 1000)).toEqual({ stored: true });
    const terms = await database.connection.db
      .select()
      .from(knowledgeTerms)
      .where(eq(knowledgeTerms.sourceId, added.id));
    expect(terms.find((term) => term.lexeme === 'plan')?.passages).toBe(500);
    expect(terms.find((term) => term.lexeme === 'refund')?.passages).toBe(1);

    const [best] = await store.search('trading-education', 'Can I get a refund on my plan?', 4);
    expect(best.content).toBe('Every plan may ask for a refund.');
    // A common word alone is still searched: the rarest word of a question always is.
    expect(await store.search('trading-education', 'plan', 4)).toHaveLength(4);
    await store.remove('trading-education', added.id);
    expect(
      await database.connection.db
        .select()
        .from(knowledgeTerms)
        .where(eq(knowledgeTerms.sourceId, added.id)),
    ).toEqual([]);
  });

  it('claims again a source whose lease expired, and fences the stale claim', async () => {
    const added = await add();
    const [first] = await store.claim(1, 5, 3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [second] = await store.claim(60_000, 5, 3);
    expect(second).toMatchObject({ id: added.id, attempt: 2 });
    // The first instance comes back late: its outcome is not written.
    await store.fail(first, 'late');
    expect(await store.complete(first, [{ position: 0, heading: null, content: 'x' }], 10)).toEqual(
      {
        stored: false,
      },
    );
    expect((await store.list('trading-education'))[0]).toMatchObject({ status: 'processing' });
    await store.fail(second, 'The document has no text.');
    expect((await store.list('trading-education'))[0]).toMatchObject({
      status: 'failed',
      error: 'The document has no text.',
    });
  });

  it('fails a source whose every claim ended without an outcome', async () => {
    await add();
    for (let attempt = 0; attempt < 3; attempt++) {
      await store.claim(1, 5, 3);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.claim(60_000, 5, 3)).toEqual([]);
    expect(await store.failAbandoned(3)).toBe(1);
    expect((await store.list('trading-education'))[0].error).toMatch(/after 3 attempts/);
  });

  it('refuses a source past the limits, and passages past the assistant total', async () => {
    for (const title of ['a', 'b', 'c']) await add(title);
    await expect(add('d')).rejects.toMatchObject({ code: 'invalid_request' });
    await database.connection.db.delete(knowledgeSources);
    await add();
    const [claim] = await store.claim(60_000, 5, 3);
    const many = Array.from({ length: 11 }, (_, position) => ({
      position,
      heading: null,
      content: `p${position}`,
    }));
    expect((await store.complete(claim, many, 10)).refusal).toMatch(/more than the 10/);
    await expect(store.list('nobody')).rejects.toMatchObject({ code: 'not_found' });
  });
});
