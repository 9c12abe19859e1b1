import type { KnowledgeSearchReply, KnowledgeSourceSummary } from '@chat/contracts';
import { type FakeOpenAiServer, startFakeOpenAi } from '@chat/fake-openai';
import {
  createTestPostgresDatabase,
  postChatStream,
  spawnBuiltApi,
  StaffClient,
  startBuiltApi,
  waitFor,
} from '@chat/test-support';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { sql } from 'drizzle-orm';
import { DatabaseConnection, rowsOf } from '../src/database/database';
import { type RunningApi, startApi } from './support/api-server';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
const KNOWLEDGE = '/api/admin/assistants/trading-education/knowledge';

const POLICIES = `# Plans and prices

The premium plan costs 49 euros a month and includes weekly live webinars.

# Refund policy

Refunds are paid within 14 days of a written request to the support desk.
`;
const SHIPPING = `# Delivery

Parcels leave our warehouse in Rotterdam every weekday before noon.
`;
// Shares no word with the refund policy ("reimburse" is not "refund" to PostgreSQL's stemmer),
// so only the vectors find it: the fake model reads the two as synonyms, as a real one does.
const PARAPHRASE = 'Can I get reimbursed?';

describe('knowledge: hybrid retrieval with embeddings (pgvector, embedded)', () => {
  let fake: FakeOpenAiServer;
  let api: RunningApi;
  let admin: StaffClient;

  async function start(env: Record<string, string | undefined> = {}): Promise<void> {
    api = await startApi({
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY: 'test-key',
      EMBEDDINGS_MODEL: 'fake-embeddings',
      KNOWLEDGE_POLL_MS: '100',
      ...env,
    });
    admin = new StaffClient(api.baseUrl);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(200);
  }

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    await start();
  });
  afterAll(async () => {
    await api.close();
    await fake.close();
  });

  async function upload(name: string, content: string): Promise<KnowledgeSourceSummary> {
    const form = new FormData();
    form.append('file', new Blob([content]), name);
    const response = await fetch(`${api.baseUrl}${KNOWLEDGE}`, {
      method: 'POST',
      headers: admin.credentials(),
      body: form,
    });
    expect(response.status).toBe(201);
    return (await response.json()) as KnowledgeSourceSummary;
  }

  async function search(query: string): Promise<KnowledgeSearchReply> {
    const response = await admin.call('POST', `${KNOWLEDGE}/search`, { body: { query } });
    expect(response.status).toBe(200);
    return (await response.json()) as KnowledgeSearchReply;
  }

  /** Embeddings stored for a source's passages, read from the running app's database. */
  async function embedded(sourceId: string): Promise<number> {
    const { rows } = await rowsOf<{ n: number }>(
      api.app.get(DatabaseConnection).db,
      sql`select count(*)::int as n from knowledge_embeddings e
          join knowledge_passages p on p.id = e.passage_id where p.source_id = ${sourceId}`,
    );
    return rows[0]?.n ?? 0;
  }

  async function ready(id: string): Promise<KnowledgeSourceSummary> {
    let found: KnowledgeSourceSummary | undefined;
    await waitFor(
      async () => {
        const listed = (await (
          await admin.call('GET', KNOWLEDGE)
        ).json()) as KnowledgeSourceSummary[];
        found = listed.find((source) => source.id === id);
        return found?.status === 'ready';
      },
      15_000,
      100,
    );
    return found as KnowledgeSourceSummary;
  }

  it('embeds every passage with the configured model, and finds by meaning what full text misses', async () => {
    const source = await ready((await upload('policies.md', POLICIES)).id);
    await waitFor(async () => (await embedded(source.id)) === source.chunks, 15_000, 100);
    const inputs = fake.embeddingRequests.flatMap((request) => request.body.input as string[]);
    expect(fake.embeddingRequests.every((r) => r.body.model === 'fake-embeddings')).toBe(true);
    expect(inputs.some((input) => input.includes('Refunds are paid within 14 days'))).toBe(true);

    // Full text finds nothing for it: the words are not the passage's.
    const { rows } = await rowsOf<{ n: number }>(
      api.app.get(DatabaseConnection).db,
      sql`select count(*)::int as n from knowledge_passages
          where search @@ replace(plainto_tsquery('english', ${PARAPHRASE})::text, ' & ', ' | ')::tsquery`,
    );
    expect(rows[0]?.n).toBe(0);
    const { passages } = await search(PARAPHRASE);
    expect(passages[0]?.content).toContain('Refunds are paid within 14 days');
    // Nothing near a greeting: a vector match needs the configured similarity.
    expect((await search('Hello there')).passages).toEqual([]);
  });

  it('answers a turn from what the question means, naming the passage in sources', async () => {
    fake.requests.length = 0;
    const before = fake.embeddingRequests.length;
    const stream = await postChatStream(api.baseUrl, {
      message: PARAPHRASE,
      session_id: 'hybrid-1',
    });
    await stream.finished;
    expect(fake.embeddingRequests.slice(before).map((r) => r.body.input)).toContainEqual([
      PARAPHRASE,
    ]);
    expect(stream.get('sources').sources[0].snippet).toContain('Refunds are paid within 14 days');
    // The model was given the passage.
    const call = fake.requests.find((request) => request.stream);
    expect(JSON.stringify(call?.body.messages)).toContain('Refunds are paid within 14 days');
  });

  it('answers from full text while the embeddings endpoint is down, and embeds new passages once it is back', async () => {
    fake.setEmbeddingsStatus(503);
    const stream = await postChatStream(api.baseUrl, {
      message: 'What is your refund policy?',
      session_id: 'hybrid-2',
    });
    await stream.finished;
    expect(stream.types.at(-1)).toBe('done');
    expect(stream.get('sources').sources[0].snippet).toContain('14 days');

    const shipping = await ready((await upload('shipping.md', SHIPPING)).id);
    expect(await embedded(shipping.id)).toBe(0);
    // Full text serves the new source meanwhile.
    expect((await search('warehouse in Rotterdam')).passages[0]?.source_id).toBe(shipping.id);
    fake.setEmbeddingsStatus(200);
    // The worker tries again after its back-off (5 s after a first failure).
    await waitFor(async () => (await embedded(shipping.id)) === shipping.chunks, 20_000, 200);
  }, 40_000);

  it('deletes a source with its embeddings', async () => {
    const listed = (await (await admin.call('GET', KNOWLEDGE)).json()) as KnowledgeSourceSummary[];
    for (const source of listed) {
      expect((await admin.call('DELETE', `${KNOWLEDGE}/${source.id}`)).status).toBe(204);
      expect(await embedded(source.id)).toBe(0);
    }
    const { rows } = await rowsOf<{ n: number }>(
      api.app.get(DatabaseConnection).db,
      sql`select count(*)::int as n from knowledge_embeddings`,
    );
    expect(rows[0]?.n).toBe(0);
    expect((await search(PARAPHRASE)).passages).toEqual([]);
  });
});

describe('knowledge: embeddings on PostgreSQL', () => {
  it('runs hybrid retrieval where pgvector is installed, and otherwise refuses to start, naming it', async () => {
    const database = await createTestPostgresDatabase();
    const fake = await startFakeOpenAi();
    try {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query(
        "select count(*)::int as n from pg_available_extensions where name = 'vector'",
      );
      await client.end();
      const env = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: database.url,
        MAIL_OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'outbox-')),
        OPENAI_BASE_URL: fake.url,
        OPENAI_API_KEY: 'test-key',
        EMBEDDINGS_MODEL: 'fake-embeddings',
      };
      if (rows[0].n === 0) {
        // Debian 12's PostgreSQL 15 has no pgvector package: this machine's case.
        const api = spawnBuiltApi(env);
        expect((await api.exited).code).toBe(1);
        expect(api.output()).toContain('EMBEDDINGS_MODEL needs the pgvector extension');
        return;
      }
      const api = await startBuiltApi(
        {
          ...env,
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
          KNOWLEDGE_POLL_MS: '100',
        },
        { timeoutMs: 20_000 },
      );
      try {
        const staff = new StaffClient(api.url);
        expect((await staff.login(ADMIN.email, ADMIN.password)).status).toBe(200);
        const form = new FormData();
        form.append('file', new Blob([POLICIES]), 'policies.md');
        await fetch(`${api.url}${KNOWLEDGE}`, {
          method: 'POST',
          headers: staff.credentials(),
          body: form,
        });
        await waitFor(
          async () => {
            const reply = (await (
              await staff.call('POST', `${KNOWLEDGE}/search`, { body: { query: PARAPHRASE } })
            ).json()) as KnowledgeSearchReply;
            return reply.passages[0]?.content.includes('Refunds are paid within 14 days') === true;
          },
          15_000,
          200,
        );
      } finally {
        api.child.kill('SIGKILL');
      }
    } finally {
      await fake.close();
      await database.drop();
    }
  }, 60_000);
});
