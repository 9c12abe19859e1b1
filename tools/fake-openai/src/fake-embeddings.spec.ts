import OpenAI from 'openai';
import {
  FAKE_EMBEDDING_DIMENSIONS,
  fakeEmbedding,
  startFakeOpenAi,
  type FakeOpenAiServer,
} from './index';

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot;
};

describe('fake OpenAI server: embeddings', () => {
  let server: FakeOpenAiServer;
  let client: OpenAI;

  beforeAll(async () => {
    server = await startFakeOpenAi();
    client = new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  it('answers the SDK (base64 by default) with the same unit vectors as fakeEmbedding, one per input, in order', async () => {
    const input = [
      'How do I get a refund?',
      'Refunds are paid within 14 days.',
      'Our office is in Lyon.',
    ];
    const answer = await client.embeddings.create({ model: 'fake-embeddings', input });

    expect(server.embeddingRequests).toHaveLength(1);
    expect(server.embeddingRequests[0].body).toMatchObject({
      model: 'fake-embeddings',
      encoding_format: 'base64',
    });
    expect(server.requests).toHaveLength(0);
    expect(answer.data.map((d) => d.index)).toEqual([0, 1, 2]);
    for (const [i, d] of answer.data.entries()) {
      expect(d.embedding).toHaveLength(FAKE_EMBEDDING_DIMENSIONS);
      expect(cosine(d.embedding, d.embedding)).toBeCloseTo(1, 5);
      expect(Array.from(d.embedding)).toEqual(Array.from(fakeEmbedding(input[i])));
    }
    // Texts sharing a word's stem point closer together than unrelated ones.
    const [question, refunds, office] = answer.data.map((d) => d.embedding);
    expect(cosine(question, refunds)).toBeGreaterThan(cosine(question, office) + 0.2);
  });

  it('answers floats when asked, honours dimensions, and refuses bad input with 400', async () => {
    const answer = await client.embeddings.create({
      model: 'm',
      input: 'plan',
      encoding_format: 'float',
      dimensions: 8,
    });
    expect(answer.data[0].embedding).toHaveLength(8);
    await expect(client.embeddings.create({ model: 'm', input: [] })).rejects.toMatchObject({
      status: 400,
    });
  });

  it('answers the status it is told to, as an outage', async () => {
    server.setEmbeddingsStatus(503);
    await expect(client.embeddings.create({ model: 'm', input: 'plan' })).rejects.toMatchObject({
      status: 503,
    });
  });
});
