export { startFakeOpenAi } from './lib/fake-openai-server';
export type { FakeOpenAiOptions, FakeOpenAiRequestRecord, FakeOpenAiServer } from './lib/fake-openai-server';
export { splitWords } from './lib/fake-reply-script';
export type { FakeReplyScript } from './lib/fake-reply-script';
export { FAKE_EMBEDDING_DIMENSIONS, fakeEmbedding } from './lib/fake-embeddings';
