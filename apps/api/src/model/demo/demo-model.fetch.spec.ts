import OpenAI from 'openai';
import { defaultProfilePath } from '../../config/profile.config';
import type { ConversationTurn } from '../model-output';
import { RuleLeadExtractor } from '../../lead-extraction/rule-lead-extractor';
import { assessLead } from '../../lead-extraction/lead-assessment';
import { RuleLeadReader } from '../../lead-extraction/rule-lead-reader';
import { loadAssistantProfile } from '../../profile/profile.loader';
import { createDemoModelFetch, DEMO_MODEL_BASE_URL } from './demo-model.fetch';
import { demoReply } from './demo-reply';

const profile = loadAssistantProfile(defaultProfilePath());
// The lead rules the application gives the demo model (`ModelModule.forRoot`).
const leadReader = new RuleLeadReader(profile);
const MOMENTUM = 'What is momentum trading?';

/** The real SDK client, as the API builds it with no key. */
const demoClient = (wordDelayMs = 0) =>
  new OpenAI({
    apiKey: 'demo',
    baseURL: DEMO_MODEL_BASE_URL,
    fetch: createDemoModelFetch({ profile, leadReader, wordDelayMs }),
    maxRetries: 0,
  });

describe('createDemoModelFetch through the openai SDK', () => {
  it('streams the reply word by word; the deltas join back to it exactly', async () => {
    const stream = await demoClient().chat.completions.create({
      model: 'demo',
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: MOMENTUM },
      ],
    });

    const deltas: string[] = [];
    const finishReasons: (string | null)[] = [];
    let usage: OpenAI.CompletionUsage | undefined | null;
    let model = '';
    for await (const chunk of stream) {
      model = chunk.model;
      for (const choice of chunk.choices) {
        if (choice.delta.content) deltas.push(choice.delta.content);
        finishReasons.push(choice.finish_reason);
      }
      if (chunk.usage) usage = chunk.usage;
    }

    const reply = demoReply(profile, leadReader, [{ role: 'user', content: MOMENTUM }]);
    expect(deltas.join('')).toBe(reply);
    expect(reply).toContain('**Momentum trading**');
    expect(deltas.length).toBe(reply.trim().split(/\s+/).length);
    expect(deltas.every((delta) => delta.trim().split(/\s+/).length === 1)).toBe(true);
    expect(finishReasons.at(-1)).toBe('stop');
    expect(model).toBe('demo');
    expect(usage).toEqual({
      prompt_tokens: expect.any(Number),
      completion_tokens: deltas.length,
      total_tokens: (usage?.prompt_tokens ?? 0) + deltas.length,
    });
  });

  it('sends no usage chunk unless asked', async () => {
    const stream = await demoClient().chat.completions.create({
      model: 'demo',
      stream: true,
      messages: [{ role: 'user', content: MOMENTUM }],
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
  });

  it('answers a non-streaming request with a chat.completion', async () => {
    const completion = await demoClient().chat.completions.create({
      model: 'demo',
      messages: [{ role: 'user', content: [{ type: 'text', text: MOMENTUM }] }],
    });

    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('demo');
    expect(completion.choices[0].finish_reason).toBe('stop');
    expect(completion.choices[0].message.content).toBe(
      demoReply(profile, leadReader, [{ role: 'user', content: MOMENTUM }]),
    );
  });

  it('stops at max_tokens with finish_reason length', async () => {
    const stream = await demoClient().chat.completions.create({
      model: 'demo',
      stream: true,
      max_tokens: 5,
      messages: [{ role: 'user', content: MOMENTUM }],
    });
    const deltas: string[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) deltas.push(chunk.choices[0].delta.content);
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(deltas).toHaveLength(5);
    expect(
      demoReply(profile, leadReader, [{ role: 'user', content: MOMENTUM }]).startsWith(deltas.join('')),
    ).toBe(true);
    expect(finish).toBe('length');
  });

  it('stops mid-reply when the request is aborted', async () => {
    const controller = new AbortController();
    const stream = await demoClient(5).chat.completions.create(
      { model: 'demo', stream: true, messages: [{ role: 'user', content: MOMENTUM }] },
      { signal: controller.signal },
    );

    const deltas: string[] = [];
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content;
      if (content) deltas.push(content);
      if (deltas.length === 3) controller.abort();
    }

    const reply = demoReply(profile, leadReader, [{ role: 'user', content: MOMENTUM }]);
    expect(deltas).toHaveLength(3);
    expect(reply.startsWith(deltas.join(''))).toBe(true);
    expect(deltas.join('').length).toBeLessThan(reply.length);
  });

  it('refuses a request that was aborted before it started', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      demoClient().chat.completions.create(
        { model: 'demo', stream: true, messages: [{ role: 'user', content: MOMENTUM }] },
        { signal: controller.signal },
      ),
    ).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
  });

  it('answers other endpoints with a 404 in OpenAI error shape', async () => {
    await expect(demoClient().models.list()).rejects.toMatchObject({
      status: 404,
      error: { type: 'invalid_request_error', code: 'not_found' },
    });
  });

  it('walks a full conversation to a complete lead', async () => {
    const client = demoClient();
    const extractor = new RuleLeadExtractor();
    const conversation: ConversationTurn[] = [];
    let lead = {};
    for (const message of [
      MOMENTUM,
      'Ana Silva',
      'ana.silva@example.com',
      '+351 912 345 678',
      "I'd like to learn swing trading",
      'Intermediate, I think',
    ]) {
      expect(assessLead(profile, lead).is_complete).toBe(false);
      conversation.push({ role: 'user', content: message });
      const stream = await client.chat.completions.create({
        model: 'demo',
        stream: true,
        messages: [{ role: 'system', content: 'system prompt' }, ...conversation],
      });
      let reply = '';
      for await (const chunk of stream) reply += chunk.choices[0]?.delta.content ?? '';
      conversation.push({ role: 'assistant', content: reply });
      lead = await extractor.extract(profile, conversation, lead);
    }

    expect(assessLead(profile, lead)).toEqual({
      data_collected: {
        name: 'Ana Silva',
        email: 'ana.silva@example.com',
        phone: '+351 912 345 678',
        goals: 'Learn swing trading',
        experience: 'intermediate',
      },
      is_complete: true,
      missing_fields: [],
    });
    expect(conversation.at(-1)?.content).toContain('a member of our team will be in touch');
  });
});

describe('createDemoModelFetch as a fetch', () => {
  const demoFetch = createDemoModelFetch({ profile, leadReader, wordDelayMs: 20 });
  const post = (body: unknown, init: RequestInit = {}) =>
    demoFetch(`${DEMO_MODEL_BASE_URL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...init,
    });

  it('frames the stream as Server-Sent Events ending with [DONE]', async () => {
    const response = await createDemoModelFetch({ profile, leadReader, wordDelayMs: 0 })(
      `${DEMO_MODEL_BASE_URL}/chat/completions`,
      {
        method: 'POST',
        body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: 'Hi' }] }),
      },
    );
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = await response.text();
    const frames = text.split('\n\n').filter((frame) => frame !== '');
    expect(frames.every((frame) => frame.startsWith('data: '))).toBe(true);
    expect(frames.at(-1)).toBe('data: [DONE]');
    expect(JSON.parse(frames[0].slice(6)).choices[0].delta).toEqual({
      role: 'assistant',
      content: '',
    });
  });

  it('errors the body with an AbortError when aborted mid-stream', async () => {
    const controller = new AbortController();
    const response = await post(
      { stream: true, messages: [{ role: 'user', content: MOMENTUM }] },
      { signal: controller.signal },
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    controller.abort();

    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return 'ended';
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects a body that is not JSON', async () => {
    const response = await post('{not json');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });

  it('rejects another method or path with a 404', async () => {
    const response = await demoFetch(`${DEMO_MODEL_BASE_URL}/embeddings`, {
      method: 'POST',
      body: '{}',
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        message: expect.stringContaining('/v1/embeddings'),
        type: 'invalid_request_error',
        param: null,
        code: 'not_found',
      },
    });
    expect((await demoFetch(`${DEMO_MODEL_BASE_URL}/chat/completions`)).status).toBe(404);
  });
});
