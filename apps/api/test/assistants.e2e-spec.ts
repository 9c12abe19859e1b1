import { XSRF_COOKIE, XSRF_HEADER } from '@chat/contracts';
import type {
  AssistantDetail,
  AssistantProfile,
  AssistantSummary,
  PublicAssistant,
} from '@chat/contracts';
import { parse } from 'yaml';
import { type RunningApi, startApi } from './support/api-server';
import { StaffClient } from '@chat/test-support';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
const AGENT = { email: 'agent@example.com', password: 'another long passphrase' };

describe('assistants in the database', () => {
  let api: RunningApi;
  let admin: StaffClient;
  let agent: StaffClient;

  beforeAll(async () => {
    api = await startApi({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    admin = new StaffClient(api.baseUrl);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(200);
    const created = await admin.call('POST', '/api/admin/users', {
      body: { ...AGENT, role: 'agent' },
    });
    expect(created.status).toBe(201);
    agent = new StaffClient(api.baseUrl);
    expect((await agent.login(AGENT.email, AGENT.password)).status).toBe(200);
  });
  afterAll(() => api.close());

  /** A profile file posted as such, with the admin's cookie and CSRF header. */
  function postYaml(text: string, query = ''): Promise<Response> {
    const cookie = [...admin.cookies].map(
      ([name, value]) => `${name}=${encodeURIComponent(value)}`,
    );
    return fetch(`${api.baseUrl}/api/admin/assistants${query}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/yaml',
        Cookie: cookie.join('; '),
        [XSRF_HEADER]: admin.cookies.get(XSRF_COOKIE) ?? '',
      },
      body: text,
    });
  }

  async function detail(id: string): Promise<AssistantDetail> {
    const response = await agent.call('GET', `/api/admin/assistants/${id}`);
    expect(response.status).toBe(200);
    return response.json();
  }

  it('imports the profile file at first start as the default assistant, version 1', async () => {
    const list = await agent.call('GET', '/api/admin/assistants');
    expect(list.status).toBe(200);
    expect((await list.json()) as AssistantSummary[]).toEqual([
      {
        id: 'trading-education',
        name: 'Trading education assistant',
        published_version: 1,
        archived: false,
        is_default: true,
        updated_at: expect.any(String),
        updated_by: 'import',
      },
    ]);
    const imported = await detail('trading-education');
    expect(imported.versions).toEqual([
      { version: 1, published_at: expect.any(String), published_by: 'import' },
    ]);
    const profile = await (await fetch(`${api.baseUrl}/api/chat/profile`)).json();
    expect(imported.draft).toMatchObject({ name: profile.name, greeting: profile.greeting });

    const response = await fetch(`${api.baseUrl}/api/assistants/trading-education`);
    expect(response.status).toBe(200);
    expect((await response.json()) as PublicAssistant).toEqual({
      id: 'trading-education',
      name: profile.name,
      greeting: profile.greeting,
      model: profile.model,
      demo: profile.demo,
      version: 1,
      fields: profile.fields,
      // What the visitor is told of the data collected, as on GET /chat/profile.
      privacy_notice: expect.stringContaining(' '),
      privacy_url: profile.privacy_url,
      appearance: {
        title: profile.name,
        accent_color: expect.stringMatching(/^#[0-9a-f]{6}$/),
        launcher_label: expect.any(String),
        position: 'bottom-right',
      },
    });
  });

  it('creates from a profile file and from JSON; export.yaml round-trips through POST', async () => {
    const exported = await agent.call('GET', '/api/admin/assistants/trading-education/export.yaml');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^application\/yaml/);
    const yaml = await exported.text();
    const original = await detail('trading-education');
    expect(parse(yaml)).toEqual(original.draft);

    const fromYaml = await postYaml(yaml, '?id=trading-copy');
    expect(fromYaml.status).toBe(201);
    const copy = (await fromYaml.json()) as AssistantDetail;
    expect(copy).toMatchObject({ id: 'trading-copy', published_version: null, versions: [] });
    expect(copy.updated_by).toBe(ADMIN.email);
    expect(copy.draft).toEqual({ ...original.draft, id: 'trading-copy' });

    // Without ?id=, the file's own id (taken here).
    const taken = await postYaml(yaml);
    expect(taken.status).toBe(400);
    expect((await taken.json()).message).toBe(
      'An assistant with the id trading-education exists already.',
    );

    const { id: _id, ...draft } = original.draft;
    const fromJson = await admin.call('POST', '/api/admin/assistants', {
      body: { id: 'sales', draft: { ...draft, name: 'Sales assistant' } },
    });
    expect(fromJson.status).toBe(201);
    expect(((await fromJson.json()) as AssistantDetail).draft).toMatchObject({
      id: 'sales',
      version: 1,
      name: 'Sales assistant',
    });

    const bad = await admin.call('POST', '/api/admin/assistants', {
      body: { id: 'Bad Id', draft },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).code).toBe('invalid_request');
  });

  it('refuses a wrong draft with every wrong key named, and saves nothing', async () => {
    const before = await detail('sales');
    const fields = structuredClone(before.draft['fields']) as Record<string, unknown>[];
    fields[2]['kind'] = 'number';
    fields[0]['shout'] = true;
    const response = await admin.call('PUT', '/api/admin/assistants/sales/draft', {
      body: {
        ...before.draft,
        fields,
        appearance: { title: 'Sales', accent_color: 'blue', launcher_label: 'Hi', position: 'top' },
        allowed_origins: ['http://shop.example.com'],
        notifications: { email_recipients: ['nobody'] },
        colour: 'red',
      },
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.code).toBe('invalid_request');
    for (const key of [
      'fields[2].kind:',
      'fields[0].shout: unknown key',
      'appearance.accent_color:',
      'appearance.position:',
      'allowed_origins:',
      'notifications.email_recipients:',
      'colour: unknown key',
    ])
      expect(body.message).toContain(key);
    expect(await detail('sales')).toEqual(before);
  });

  it('publishes version 2, and restoring version 1 publishes its copy as version 3', async () => {
    const base = (await detail('trading-education')).draft;
    const saved = await admin.call('PUT', '/api/admin/assistants/trading-education/draft', {
      body: {
        ...base,
        greeting: 'Hello from version 2!',
        appearance: {
          title: 'Trading help',
          accent_color: '#0a7cff',
          launcher_label: 'Ask us',
          position: 'bottom-left',
        },
        allowed_origins: ['https://www.example.com', 'http://localhost:4200'],
        notifications: { email_recipients: ['sales@example.com'] },
      },
    });
    expect(saved.status).toBe(200);
    // The draft is not live until published.
    const live = async () =>
      (await (
        await fetch(`${api.baseUrl}/api/assistants/trading-education`)
      ).json()) as PublicAssistant;
    expect((await live()).greeting).toBe(base['greeting']);

    const published = await admin.call('POST', '/api/admin/assistants/trading-education/publish');
    expect(published.status).toBe(200);
    expect(
      ((await published.json()) as AssistantDetail).versions.map((v) => [
        v.version,
        v.published_by,
      ]),
    ).toEqual([
      [1, 'import'],
      [2, ADMIN.email],
    ]);
    expect(await live()).toMatchObject({
      version: 2,
      greeting: 'Hello from version 2!',
      appearance: { title: 'Trading help', position: 'bottom-left' },
    });
    // GET /chat/profile is the default assistant's live version, not the file it was imported from.
    const profile = async () =>
      (await (await fetch(`${api.baseUrl}/api/chat/profile`)).json()) as AssistantProfile;
    expect((await profile()).greeting).toBe('Hello from version 2!');

    const restored = await admin.call(
      'POST',
      '/api/admin/assistants/trading-education/versions/1/restore',
    );
    expect(restored.status).toBe(200);
    expect(((await restored.json()) as AssistantDetail).published_version).toBe(3);
    const v3 = await live();
    expect(v3).toMatchObject({ version: 3, greeting: base['greeting'] });
    expect((await profile()).greeting).toBe(base['greeting']);
    expect(v3.appearance.position).toBe('bottom-right');

    const missing = await admin.call(
      'POST',
      '/api/admin/assistants/trading-education/versions/9/restore',
    );
    expect(missing.status).toBe(404);
  });

  it('lets agents read but not change, and needs the CSRF token on cookie writes', async () => {
    expect((await agent.call('GET', '/api/admin/assistants/sales')).status).toBe(200);
    expect((await agent.call('GET', '/api/admin/assistants/sales/export.yaml')).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', '/api/admin/assistants', { id: 'agent-made', draft: {} }],
      ['PUT', '/api/admin/assistants/sales/draft', {}],
      ['POST', '/api/admin/assistants/sales/publish', undefined],
      ['POST', '/api/admin/assistants/sales/versions/1/restore', undefined],
      ['DELETE', '/api/admin/assistants/sales', undefined],
    ] as const) {
      const response = await agent.call(method, path, { body });
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 403 });
    }
    const withoutCsrf = await admin.call('POST', '/api/admin/assistants/sales/publish', {
      csrf: false,
    });
    expect(withoutCsrf.status).toBe(403);
    expect((await detail('sales')).versions).toEqual([]);
    expect((await fetch(`${api.baseUrl}/api/admin/assistants`)).status).toBe(401);
  });

  it('archives: the public description is gone, the default cannot be archived', async () => {
    expect((await admin.call('POST', '/api/admin/assistants/sales/publish')).status).toBe(200);
    expect((await fetch(`${api.baseUrl}/api/assistants/sales`)).status).toBe(200);
    expect((await admin.call('DELETE', '/api/admin/assistants/sales')).status).toBe(204);
    const gone = await fetch(`${api.baseUrl}/api/assistants/sales`);
    expect(gone.status).toBe(404);
    expect((await gone.json()).code).toBe('not_found');
    expect((await detail('sales')).archived).toBe(true);

    const defaultOne = await admin.call('DELETE', '/api/admin/assistants/trading-education');
    expect(defaultOne.status).toBe(400);
    expect((await defaultOne.json()).message).toMatch(/default assistant cannot be archived/);
    // Never published, unknown: also 404.
    expect((await fetch(`${api.baseUrl}/api/assistants/trading-copy`)).status).toBe(404);
    expect((await fetch(`${api.baseUrl}/api/assistants/nobody`)).status).toBe(404);
  });
});
