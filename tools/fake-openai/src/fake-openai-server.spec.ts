import OpenAI from 'openai';
import { splitWords, startFakeOpenAi, type FakeOpenAiServer } from './index';

describe('fake OpenAI server: replies', () => {
  let server: FakeOpenAiServer;
  let client: OpenAI;

  beforeAll(async () => {
    server = await startFakeOpenAi();
    client = new OpenAI({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
  });
  afterEach(() => server.reset());
  afterAll(() => server.close());

  async function streamed(extra: Partial<OpenAI.Chat.ChatCompletionCreateParamsStreaming> = {}) {
    const stream = await client.chat.completions.create({
      model: 'gpt-test',
      stream: true,
      messages: [{ role: 'user', content: 'What is momentum trading?' }],
      ...extra,
    });
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    return chunks;
  }
  const contentOf = (chunks: OpenAI.Chat.ChatCompletionChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

  it('splits text into word tokens that join back to it', () => {
    expect(splitWords('Momentum trading  follows trends. ')).toEqual(['Momentum', ' trading', '  follows', ' trends.', ' ']);
    expect(splitWords('')).toEqual([]);
  });

  it('streams the role chunk, one chunk per token, the finish reason and the usage chunk', async () => {
    server.enqueue({ tokens: ['Momentum', ' trading', ' follows', ' trends.'], usage: { prompt_tokens: 11, completion_tokens: 4 } });
    const chunks = await streamed({ stream_options: { include_usage: true } });

    expect(chunks[0].choices[0].delta).toMatchObject({ role: 'assistant', content: '' });
    expect(chunks.slice(1, 5).map((c) => c.choices[0].delta.content)).toEqual(['Momentum', ' trading', ' follows', ' trends.']);
    expect(chunks[5].choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks[6].choices).toEqual([]);
    expect(chunks[6].usage).toEqual({ prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 });
    expect(chunks).toHaveLength(7);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'gpt-test')).toBe(true);
  });

  it('sends no usage chunk unless asked, and reports the scripted finish reason', async () => {
    server.enqueue({ text: 'Cut short', finishReason: 'length' });
    const chunks = await streamed();
    expect(contentOf(chunks)).toBe('Cut short');
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('length');
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  it('delivers the same text paced per token, per event-loop turn and after a first-token delay', async () => {
    const text = 'Buy strength, sell weakness, and keep a stop.';
    server.enqueue({ text, tokenDelayMs: 2 }, { text, tickPerToken: true }, { text, firstTokenDelayMs: 20 });
    expect(contentOf(await streamed())).toBe(text);
    expect(contentOf(await streamed())).toBe(text);
    expect(contentOf(await streamed())).toBe(text);
  });

  it('writes the exact OpenAI wire format', async () => {
    server.enqueue({ tokens: ['a "quoted"\n', 'token'] });
    const res = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, messages: [] }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = (await res.text()).split('\n\n');
    expect(frames.pop()).toBe('');
    expect(frames.at(-1)).toBe('data: [DONE]');
    const events = frames.slice(0, -1).map((frame) => {
      expect(frame.startsWith('data: ')).toBe(true);
      return JSON.parse(frame.slice(6));
    });
    expect(events.map((e) => e.choices[0].delta.content)).toEqual(['', 'a "quoted"\n', 'token', undefined]);
    expect(events[0].id).toMatch(/^chatcmpl-/);
  });

  it('consumes queued scripts first in first out, then the default', async () => {
    server.enqueue({ text: 'first' }, { text: 'second' });
    server.setDefault((body) => ({ text: `default for ${body.messages[0].content}` }));
    expect(contentOf(await streamed())).toBe('first');
    expect(contentOf(await streamed())).toBe('second');
    expect(contentOf(await streamed())).toBe('default for What is momentum trading?');
  });

  it('records every request with its body and headers', async () => {
    const done = server.waitForRequests(2);
    await streamed();
    await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] });
    await done;
    expect(server.requests.map((r) => r.stream)).toEqual([true, false]);
    expect(server.requests[0].body.messages).toEqual([{ role: 'user', content: 'What is momentum trading?' }]);
    expect(server.requests[0].headers.authorization).toBe('Bearer test');
    expect(typeof server.requests[0].receivedAt).toBe('number');
  });

  it('answers non-streaming calls with a chat.completion, JSON content in json mode', async () => {
    const lead = { name: 'Ada <b>', email: 'ada@example.com', experience: 'beginner' };
    // Structured-output calls have their own script and leave the reply queue alone.
    server.setStructuredReply({ json: lead, usage: { prompt_tokens: 40, completion_tokens: 12 } });
    server.enqueue({ text: 'Plain answer.' });
    const completion = await client.chat.completions.create({
      model: 'gpt-test',
      messages: [{ role: 'user', content: 'extract' }],
      response_format: { type: 'json_schema', json_schema: { name: 'lead', schema: { type: 'object' } } },
    });
    expect(completion.object).toBe('chat.completion');
    expect(JSON.parse(completion.choices[0].message.content ?? '')).toEqual(lead);
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 });

    const plain = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] });
    expect(plain.choices[0].message).toMatchObject({ role: 'assistant', content: 'Plain answer.' });
  });

  it('lists one model', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['gpt-4o-mini']);
  });

  it('rejects a wait that is not met in time', async () => {
    await expect(server.waitForRequests(1, 20)).rejects.toThrow(/0 of 1 request/);
  });
});
