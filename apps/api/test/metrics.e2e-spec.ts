import { type FakeOpenAiServer, startFakeOpenAi } from '@chat/fake-openai';
import {
  ChatVisitor,
  parsePrometheusText,
  postChatStream,
  type PrometheusSample,
  sampleValue,
  sessionTokenHeader,
  type SseReader,
} from '@chat/test-support';
import type { AssistantDetail } from '@chat/contracts';
import { type RunningApi, startApi } from './support/api-server';
import { StaffClient } from '@chat/test-support';

const TOKEN = 'metrics-token-for-tests-0123456789';
const MESSAGES_PER_WINDOW = 8;
const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
/** The default assistant, imported from the profile file at first start. */
const DEFAULT = { assistant_id: 'trading-education' };
const SECOND = { assistant_id: 'second' };

/** The metrics a scrape answers, read back from the text format. */
async function scrape(api: RunningApi): Promise<{ samples: PrometheusSample[]; text: string }> {
  const response = await fetch(`${api.baseUrl}/api/metrics`, {
    headers: { Authorization: `Bearer ${TOKEN}` },
  });
  expect(response.status).toBe(200);
  // Prometheus's text format 0.0.4 (Express puts the charset before the version).
  expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
  const text = await response.text();
  return { samples: parsePrometheusText(text), text };
}

/** How much each named sample moved between two scrapes. */
function delta(
  before: PrometheusSample[],
  after: PrometheusSample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  return (sampleValue(after, name, labels) ?? 0) - (sampleValue(before, name, labels) ?? 0);
}

describe('GET /api/metrics with METRICS_TOKEN set', () => {
  let api: RunningApi;
  let visitor: ChatVisitor;
  /** Every session and stream id the tests made: none may appear in a scrape. */
  const ids = new Set<string>();
  const remember = (turn: SseReader) => {
    const start = turn.get('start');
    ids.add(start.session_id).add(start.stream_id).add(start.message_id);
  };

  beforeAll(async () => {
    api = await startApi({
      METRICS_TOKEN: TOKEN,
      RATE_LIMIT_MESSAGES: String(MESSAGES_PER_WINDOW),
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      OPENAI_API_KEY: undefined,
      OPENAI_BASE_URL: undefined,
    });
    visitor = new ChatVisitor(api.baseUrl);
  });
  afterAll(() => api.close());

  it('refuses a scrape without the token, or with another one, as unauthorized', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer not-the-metrics-token' },
      { Authorization: TOKEN },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${api.baseUrl}/api/metrics`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await response.json()).toMatchObject({ statusCode: 401, code: 'unauthorized' });
    }
  });

  it('counts a turn: started, finished with finish_reason stop, its first token, its duration and its chunks', async () => {
    const before = (await scrape(api)).samples;
    const turn = await visitor.turn({ message: 'What is momentum trading?' });
    remember(turn);
    const after = (await scrape(api)).samples;

    expect(turn.get('done').finish_reason).toBe('stop');
    expect(turn.get('start').assistant_id).toBe(DEFAULT.assistant_id);
    const stop = { ...DEFAULT, finish_reason: 'stop' };
    expect(delta(before, after, 'chat_turns_started_total', DEFAULT)).toBe(1);
    expect(delta(before, after, 'chat_turns_finished_total', stop)).toBe(1);
    expect(
      delta(before, after, 'chat_turns_finished_total', { ...DEFAULT, finish_reason: 'error' }),
    ).toBe(0);
    expect(delta(before, after, 'chat_time_to_first_token_seconds_count', DEFAULT)).toBe(1);
    expect(
      delta(before, after, 'chat_time_to_first_token_seconds_bucket', { ...DEFAULT, le: '+Inf' }),
    ).toBe(1);
    expect(delta(before, after, 'chat_turn_duration_seconds_count', stop)).toBe(1);
    expect(delta(before, after, 'chat_turn_duration_seconds_sum', stop)).toBeGreaterThan(0);
    const chunks = turn.events.filter((e) => e.event.type === 'chunk').length;
    expect(chunks).toBeGreaterThan(0);
    expect(delta(before, after, 'chat_chunks_streamed_total', DEFAULT)).toBe(chunks);
    // The stream is over: nobody is attached any more.
    expect(sampleValue(after, 'chat_streams_open', { transport: 'sse' })).toBe(0);
    // The process's own metrics come with them.
    expect(sampleValue(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sampleValue(after, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it("labels a second assistant's turn and lead with its own assistant_id, not the default's", async () => {
    const admin = new StaffClient(api.baseUrl);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(200);
    const imported = await admin.call('GET', `/api/admin/assistants/${DEFAULT.assistant_id}`);
    const draft = ((await imported.json()) as AssistantDetail).draft as Record<string, unknown>;
    const created = await admin.call('POST', '/api/admin/assistants', {
      body: {
        id: SECOND.assistant_id,
        draft: {
          ...draft,
          id: SECOND.assistant_id,
          name: 'Second assistant',
          knowledge: [],
          fields: [
            {
              name: 'company',
              label: 'Company',
              description: 'The company the visitor works for.',
              kind: 'text',
              required: true,
              question: 'Which company do you work for?',
            },
          ],
        },
      },
    });
    expect(created.status).toBe(201);
    const published = await admin.call(
      'POST',
      `/api/admin/assistants/${SECOND.assistant_id}/publish`,
    );
    expect(published.status).toBe(200);

    const before = (await scrape(api)).samples;
    const asked = await visitor.turn({ message: 'Hello', session_id: 'metrics-second', ...SECOND });
    remember(asked);
    expect(asked.get('start').assistant_id).toBe(SECOND.assistant_id);
    const answered = await visitor.turn({ message: 'Acme Corp', session_id: 'metrics-second' });
    remember(answered);
    expect(answered.get('done').is_complete).toBe(true);
    const after = (await scrape(api)).samples;

    const stop = { ...SECOND, finish_reason: 'stop' };
    expect(delta(before, after, 'chat_turns_started_total', SECOND)).toBe(2);
    expect(delta(before, after, 'chat_turns_finished_total', stop)).toBe(2);
    // The second assistant's series start at 0 with its first turn, as the default's do.
    expect(
      sampleValue(after, 'chat_turns_finished_total', { ...SECOND, finish_reason: 'error' }),
    ).toBe(0);
    expect(delta(before, after, 'chat_time_to_first_token_seconds_count', SECOND)).toBe(2);
    expect(delta(before, after, 'chat_turn_duration_seconds_count', stop)).toBe(2);
    expect(delta(before, after, 'chat_chunks_streamed_total', SECOND)).toBeGreaterThan(0);
    expect(delta(before, after, 'chat_leads_completed_total', SECOND)).toBe(1);
    for (const name of [
      'chat_turns_started_total',
      'chat_time_to_first_token_seconds_count',
      'chat_leads_completed_total',
    ]) {
      expect(delta(before, after, name, DEFAULT)).toBe(0);
    }
  });

  it('counts a completed lead and its notification, queued then sent, and the outbox left empty', async () => {
    const before = (await scrape(api)).samples;
    for (const message of ['My name is Ana Silva', 'ana.silva@example.com', "I'm a beginner"]) {
      const turn = await visitor.turn({ message, session_id: 'metrics-lead' });
      remember(turn);
      if (message.startsWith("I'm")) expect(turn.get('done').is_complete).toBe(true);
    }
    const after = (await scrape(api)).samples;
    expect(delta(before, after, 'chat_leads_completed_total', DEFAULT)).toBe(1);
    expect(delta(before, after, 'chat_notifications_queued_total', { channel: 'email' })).toBe(1);
    expect(delta(before, after, 'chat_notifications_sent_total', { channel: 'email' })).toBe(1);
    expect(
      delta(before, after, 'chat_notification_attempts_failed_total', { channel: 'email' }),
    ).toBe(0);
    expect(sampleValue(after, 'chat_outbox_oldest_queued_age_seconds')).toBe(0);
  });

  it('counts a message refused past RATE_LIMIT_MESSAGES under its budget', async () => {
    const before = (await scrape(api)).samples;
    let refused: Response | undefined;
    // Six messages are spent above; the window's budget runs out within a few more.
    for (let sent = 0; sent <= MESSAGES_PER_WINDOW && !refused; sent++) {
      const response = await visitor.post({ message: 'One more question' });
      if (response.status === 429) refused = response;
      else await response.text();
    }
    expect(refused?.status).toBe(429);
    const after = (await scrape(api)).samples;
    expect(
      delta(before, after, 'chat_rate_limit_refusals_total', {
        budget: 'messages',
        transport: 'http',
      }),
    ).toBe(1);
    expect(
      delta(before, after, 'chat_rate_limit_refusals_total', {
        budget: 'reads',
        transport: 'http',
      }),
    ).toBe(0);
  });

  it('labels nothing with an id: no session, stream or message id, no UUID at all', async () => {
    expect(ids.size).toBeGreaterThan(5);
    const { samples, text } = await scrape(api);
    for (const id of ids) expect(text).not.toContain(id);
    const labelValues = samples.flatMap((sample) => Object.values(sample.labels));
    expect(labelValues.length).toBeGreaterThan(20);
    for (const value of labelValues) {
      expect(value).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
      expect(value).not.toContain('metrics-lead');
    }
    // Every label of the API's own metrics comes from a bounded set.
    const ours = samples.filter((sample) => sample.name.startsWith('chat_'));
    const allowed: Record<string, RegExp> = {
      // Bounded by the assistants admins create.
      assistant_id: /^(trading-education|second)$/,
      finish_reason: /^(stop|length|cancelled|handoff|error)$/,
      // What happens between the assistant and a person.
      event: /^(requested|taken|released)$/,
      code: /^[a-z_]+$/,
      channel: /^(email|webhook)$/,
      transport: /^(sse|websocket|http)$/,
      budget: /^(messages|reads)$/,
      kind: /^(prompt|completion)$/,
      le: /^(\+Inf|[0-9.]+)$/,
    };
    for (const sample of ours) {
      for (const [name, value] of Object.entries(sample.labels))
        expect(value).toMatch(allowed[name] ?? /^$/);
    }
  });

  it('is not in the OpenAPI document', async () => {
    const document = (await (await fetch(`${api.baseUrl}/api/docs-json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths).some((path) => path.includes('metrics'))).toBe(false);
    expect(Object.keys(document.paths).length).toBeGreaterThan(5);
  });
});

describe('GET /api/metrics after a failed and a cancelled turn (local model server)', () => {
  let fake: FakeOpenAiServer;
  let api: RunningApi;

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    api = await startApi({
      METRICS_TOKEN: TOKEN,
      OPENAI_API_KEY: 'sk-test-metrics',
      OPENAI_BASE_URL: fake.url,
    });
  });
  afterAll(async () => {
    await api.close();
    await fake.close();
  });

  it('counts the failure by its error code, the cancel by its finish reason, and the open stream while it runs', async () => {
    const before = (await scrape(api)).samples;
    fake.enqueue({ status: 500 }, { status: 503 }, { status: 500 });
    const failed = await postChatStream(api.baseUrl, { message: 'hi' });
    await failed.finished;
    expect(failed.find('error')?.code).toBe('upstream_unavailable');

    fake.enqueue({ text: 'a b c d e f g h', tokenDelayMs: 100 });
    const running = await postChatStream(api.baseUrl, { message: 'tell me more' });
    await running.waitUntil((events) => events.some((e) => e.event.type === 'chunk'));
    const during = (await scrape(api)).samples;
    expect(sampleValue(during, 'chat_streams_open', { transport: 'sse' })).toBe(1);
    const cancel = await fetch(
      `${api.baseUrl}/api/chat/streams/${running.get('start').stream_id}/cancel`,
      {
        method: 'POST',
        headers: sessionTokenHeader(running.sessionToken),
      },
    );
    expect(cancel.status).toBe(200);
    await running.finished;
    expect(running.find('done')?.finish_reason).toBe('cancelled');

    const after = (await scrape(api)).samples;
    expect(delta(before, after, 'chat_turns_started_total', DEFAULT)).toBe(2);
    expect(
      delta(before, after, 'chat_turns_finished_total', { ...DEFAULT, finish_reason: 'error' }),
    ).toBe(1);
    expect(
      delta(before, after, 'chat_turn_errors_total', { ...DEFAULT, code: 'upstream_unavailable' }),
    ).toBe(1);
    expect(
      delta(before, after, 'chat_turns_finished_total', { ...DEFAULT, finish_reason: 'cancelled' }),
    ).toBe(1);
    expect(
      delta(before, after, 'chat_turn_duration_seconds_count', {
        ...DEFAULT,
        finish_reason: 'cancelled',
      }),
    ).toBe(1);
    // The failed turn had no first token; the cancelled one had.
    expect(delta(before, after, 'chat_time_to_first_token_seconds_count', DEFAULT)).toBe(1);
    expect(sampleValue(after, 'chat_streams_open', { transport: 'sse' })).toBe(0);
  });
});

describe('GET /api/metrics without METRICS_TOKEN', () => {
  it('answers 404 as an unknown route does, whatever the caller sends', async () => {
    const api = await startApi({ METRICS_TOKEN: undefined });
    try {
      const unknown = await fetch(`${api.baseUrl}/api/no-such-route`);
      const attempts: Record<string, string>[] = [{}, { Authorization: `Bearer ${TOKEN}` }];
      for (const headers of attempts) {
        const response = await fetch(`${api.baseUrl}/api/metrics`, { headers });
        expect(response.status).toBe(404);
        expect(await response.json()).toEqual({
          statusCode: 404,
          code: 'not_found',
          message: 'Cannot GET /api/metrics',
        });
      }
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({
        statusCode: 404,
        code: 'not_found',
        message: 'Cannot GET /api/no-such-route',
      });
    } finally {
      await api.close();
    }
  });
});
