import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type {
  ApiKeySummary,
  AssistantDetail,
  AssistantProfile,
  AssistantSummary,
  LeadDetail,
  LeadPage,
  LeadSummary,
  StaffAccount,
  StaffRole,
  StaffSession,
} from '@chat/contracts';
import { waitFor } from '@chat/test-support';
import { APP_ROUTES } from '../app.routes';
import { provideChatHttp } from '@chat/chat-client';
import { EVENT_SOURCE } from './data/lead-feed';

/** The feed's `EventSource`, driven by the test. */
class FakeEventSource {
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent<string>) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(readonly url: string) {}

  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  emit(data: unknown): void {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(data) }));
  }

  close(): void {
    this.readyState = 2;
  }
}

const PROFILE: AssistantProfile = {
  name: 'Coach',
  greeting: '',
  model: 'demo',
  demo: true,
  fields: [
    { name: 'name', label: 'Name', description: '', required: true },
    { name: 'email', label: 'Email address', description: '', required: true },
    { name: 'goals', label: 'Goals', description: '', required: false },
  ],
};

/** The assistants staff filter by: the default, whose draft holds the profile's fields, and a second one. */
const ASSISTANTS: AssistantSummary[] = [
  {
    id: 'trading-education',
    name: 'Coach',
    published_version: 1,
    archived: false,
    is_default: true,
    updated_at: '2026-03-01T00:00:00.000Z',
    updated_by: 'import',
  },
  {
    id: 'second',
    name: 'Second Desk',
    published_version: 1,
    archived: false,
    is_default: false,
    updated_at: '2026-03-01T00:00:00.000Z',
    updated_by: 'admin@example.com',
  },
];
const ASSISTANT_FIELDS: Record<string, unknown[]> = {
  'trading-education': PROFILE.fields,
  second: [{ name: 'company', label: 'Company name', description: '', required: true }],
};

function assistantDetail(id: string): AssistantDetail {
  const { name: _name, ...rest } = ASSISTANTS.find((a) => a.id === id) ?? ASSISTANTS[0];
  return {
    ...rest,
    id,
    draft: { name: id, fields: ASSISTANT_FIELDS[id] ?? [] },
    versions: [],
    identity_verification: false,
  };
}

function summary(
  id: string,
  createdAt: string,
  fields: Record<string, string>,
  over: Partial<LeadSummary> = {},
): LeadSummary {
  return {
    id,
    session_id: `session-${id}`,
    assistant_id: 'trading-education',
    state: 'collecting',
    fields,
    notification_status: 'not_sent',
    created_at: createdAt,
    updated_at: createdAt,
    completed_at: null,
    stage: 'new',
    owner: null,
    tags: [],
    unread: false,
    ...over,
  };
}

const ADA = summary(
  'lead-ada',
  '2026-03-02T10:00:00.000Z',
  { name: 'Ada Lovelace', email: 'ada@example.com' },
  { state: 'complete', notification_status: 'failed', completed_at: '2026-03-02T10:05:00.000Z' },
);
const GRACE = summary('lead-grace', '2026-03-01T10:00:00.000Z', { name: 'Grace Hopper' });

function user(role: StaffRole): StaffSession {
  return { user: { id: `${role}-id`, email: `${role}@example.com`, role } };
}

describe('the staff area (/admin)', () => {
  let http: HttpTestingController;
  let sources: FakeEventSource[];
  let harness: RouterTestingHarness;
  let root: HTMLElement;

  beforeEach(() => {
    document.cookie = 'XSRF-TOKEN=xsrf-1; path=/';
    sources = [];
    TestBed.configureTestingModule({
      providers: [
        provideChatHttp(),
        provideHttpClientTesting(),
        provideRouter(APP_ROUTES, withComponentInputBinding()),
        {
          provide: EVENT_SOURCE,
          useValue: (url: string) => {
            const source = new FakeEventSource(url);
            sources.push(source);
            return source;
          },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  /** The next request for `method url` (made by code that awaits first), once it is made. */
  async function request(method: string, url: string): Promise<TestRequest> {
    for (let i = 0; i < 400; i++) {
      answerProfile();
      const [found] = http.match((r) => r.method === method && r.url === url);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`no ${method} ${url} was made`);
  }

  /** The assistants and their fields, which pages read for names and the fields' labels, whenever they ask. */
  function answerProfile(): void {
    for (const list of http.match({ method: 'GET', url: '/api/admin/assistants' }))
      list.flush(ASSISTANTS);
    for (const one of http.match(
      (r) => r.method === 'GET' && r.url.startsWith('/api/admin/assistants/'),
    )) {
      one.flush(assistantDetail(decodeURIComponent(one.request.url.split('/').at(-1) ?? '')));
    }
  }

  function fail(
    req: TestRequest,
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ) {
    req.flush({ statusCode: status, code, message }, { status, statusText: 'Error', headers });
  }

  async function until(predicate: () => boolean): Promise<void> {
    await waitFor(() => {
      answerProfile();
      harness.fixture.detectChanges();
      return predicate();
    });
  }

  const text = () => root.textContent?.replace(/\s+/g, ' ') ?? '';
  const button = (label: string) =>
    Array.from(root.querySelectorAll('button')).find((b) =>
      b.textContent?.trim().startsWith(label),
    ) as HTMLButtonElement;

  /** Opens `url`; the session check answers `session` (or 401). */
  async function open(url: string, session: StaffSession | null): Promise<void> {
    harness = await RouterTestingHarness.create();
    root = harness.fixture.nativeElement as HTMLElement;
    const navigation = harness.navigateByUrl(url);
    const me = await request('GET', '/api/auth/me');
    if (session) me.flush(session);
    else fail(me, 401, 'unauthorized', 'Sign in first.');
    await navigation;
  }

  /** Opens the inbox signed in as `role`, listing `leads`. */
  async function openInbox(
    role: StaffRole,
    page: LeadPage = { leads: [ADA, GRACE], next_cursor: null },
  ): Promise<void> {
    await open('/admin', user(role));
    (await request('GET', '/api/leads')).flush(page);
    await until(() => root.querySelectorAll('tbody tr').length === page.leads.length);
  }

  function submitSignIn(email: string, password: string): void {
    (root.querySelector('#staff-email') as HTMLInputElement).value = email;
    (root.querySelector('#staff-password') as HTMLInputElement).value = password;
    root.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
  }

  it('asks to sign in, says why a sign-in failed (a wrong password, a locked email), then shows the inbox', async () => {
    await open('/admin', null);
    await until(() => root.querySelector('#staff-email') !== null);
    expect(root.querySelector('label[for="staff-email"]')?.textContent).toBe('Email');
    expect(root.querySelector('label[for="staff-password"]')?.textContent).toBe('Password');
    expect((root.querySelector('#staff-password') as HTMLInputElement).type).toBe('password');

    submitSignIn('admin@example.com', 'wrong password');
    const wrong = await request('POST', '/api/auth/login');
    expect(wrong.request.body).toEqual({ email: 'admin@example.com', password: 'wrong password' });
    fail(wrong, 401, 'unauthorized', 'Wrong email or password.');
    await until(() => text().includes('Wrong email or password.'));
    expect((root.querySelector('#staff-password') as HTMLInputElement).value).toBe('');

    submitSignIn('admin@example.com', 'another guess');
    fail(
      await request('POST', '/api/auth/login'),
      429,
      'rate_limited',
      'Too many failed sign-ins for this email. Try again in 30 s.',
      {
        'Retry-After': '30',
      },
    );
    await until(() =>
      text().includes('Too many failed sign-ins for this email. Try again in 30 s.'),
    );

    submitSignIn(' admin@example.com ', 'the right password');
    (await request('POST', '/api/auth/login')).flush(user('admin'));
    (await request('GET', '/api/leads')).flush({ leads: [ADA], next_cursor: null });
    await until(() => root.querySelectorAll('tbody tr').length === 1);
    expect(text()).toContain('admin@example.com');
    expect(document.activeElement?.id).toBe('staff-main');
    expect(Array.from(root.querySelectorAll('nav a')).map((a) => a.textContent?.trim())).toEqual([
      'Leads',
      'Assistants',
      'Staff accounts',
      'API keys',
    ]);
    expect(sources.map((s) => s.url)).toEqual(['/api/leads/events']);
  });

  it('keeps a session across a reload, and keeps an agent out of the admin pages', async () => {
    await openInbox('agent');
    expect(Array.from(root.querySelectorAll('nav a')).map((a) => a.textContent?.trim())).toEqual([
      'Leads',
      'Assistants',
    ]);

    await harness.navigateByUrl('/admin/users');
    expect(TestBed.inject(Router).url).toBe('/admin');
  });

  it('lists leads with their state, notification and fields, follows the filters, pages and stays live', async () => {
    await openInbox('admin', { leads: [ADA], next_cursor: 'cursor-1' });
    const row = root.querySelector('tbody tr') as HTMLElement;
    expect(row.querySelector('a')?.textContent).toBe('Ada Lovelace');
    expect(row.querySelector('a')?.getAttribute('href')).toBe('/admin/leads/lead-ada');
    expect(row.querySelector('[data-label="State"]')?.textContent?.trim()).toBe('Complete');
    expect(row.querySelector('[data-label="Notification"]')?.textContent?.trim()).toBe('Failed');
    await until(() => row.querySelector('[data-label="Details"] dt')?.textContent === 'Name');
    expect(row.querySelector('[data-label="Assistant"]')?.textContent?.trim()).toBe('Coach');
    const details = (tag: string) =>
      Array.from(row.querySelectorAll(`[data-label="Details"] ${tag}`)).map((e) => e.textContent);
    expect(details('dt')).toEqual(['Name', 'Email address']);
    expect(details('dd')).toEqual(['Ada Lovelace', 'ada@example.com']);
    expect(root.querySelector('a[download]')?.getAttribute('href')).toBe('/api/leads/export.csv');

    button('Load more').click();
    const more = await request('GET', '/api/leads');
    expect(more.request.params.get('cursor')).toBe('cursor-1');
    more.flush({ leads: [GRACE], next_cursor: null });
    await until(() => root.querySelectorAll('tbody tr').length === 2);
    expect(button('Load more')).toBeUndefined();

    // The live feed: a new lead first, a changed one updated, an erased one gone.
    const feed = sources[0];
    feed.open();
    await until(() => text().includes('Live: new leads show as they come'));
    const linus = summary('lead-linus', '2026-03-03T09:00:00.000Z', { name: 'Linus' });
    feed.emit({ type: 'lead', lead: linus });
    await until(
      () => root.querySelector('tbody tr')?.getAttribute('data-lead-id') === 'lead-linus',
    );
    feed.emit({ type: 'lead', lead: { ...GRACE, state: 'complete' } });
    feed.emit({ type: 'lead_erased', id: 'lead-ada' });
    await until(() => root.querySelectorAll('tbody tr').length === 2);
    expect(
      Array.from(root.querySelectorAll('tbody tr')).map((r) => r.getAttribute('data-lead-id')),
    ).toEqual(['lead-linus', 'lead-grace']);
    expect(
      root.querySelector('[data-lead-id="lead-grace"] [data-label="State"]')?.textContent?.trim(),
    ).toBe('Complete');

    // Filters go to the page's URL, the API and the export.
    const search = root.querySelector('#lead-search') as HTMLInputElement;
    search.value = 'ada';
    search.dispatchEvent(new Event('input'));
    const filtered = await request('GET', '/api/leads');
    expect(filtered.request.params.get('q')).toBe('ada');
    filtered.flush({ leads: [], next_cursor: null });
    await until(() => text().includes('No leads match these filters.'));
    expect(TestBed.inject(Router).url).toBe('/admin?q=ada');
    expect(root.querySelector('a[download]')?.getAttribute('href')).toBe(
      '/api/leads/export.csv?q=ada',
    );

    const status = root.querySelector('#lead-status') as HTMLSelectElement;
    status.value = 'complete';
    status.dispatchEvent(new Event('change'));
    const from = root.querySelector('#lead-from') as HTMLInputElement;
    from.value = '2026-03-01';
    from.dispatchEvent(new Event('change'));
    await until(
      () => TestBed.inject(Router).url === '/admin?q=ada&status=complete&from=2026-03-01',
    );
    const byDate =
      http.match((r) => r.url === '/api/leads').at(-1) ?? (await request('GET', '/api/leads'));
    expect(byDate.request.params.get('since')).toBe(new Date(2026, 2, 1).toISOString());
    expect(byDate.request.params.get('status')).toBe('complete');

    const assistant = root.querySelector('#lead-assistant') as HTMLSelectElement;
    expect(Array.from(assistant.options).map((o) => o.textContent?.trim())).toEqual([
      'All',
      'Coach',
      'Second Desk',
    ]);
    assistant.value = 'second';
    assistant.dispatchEvent(new Event('change'));
    await until(() => TestBed.inject(Router).url.endsWith('&assistant=second'));
    const byAssistant =
      http.match((r) => r.url === '/api/leads').at(-1) ?? (await request('GET', '/api/leads'));
    expect(byAssistant.request.params.get('assistant_id')).toBe('second');
    const company = summary(
      'lead-acme',
      '2026-03-04T09:00:00.000Z',
      { company: 'Acme', phone: '555' },
      { assistant_id: 'second' },
    );
    byAssistant.flush({ leads: [company], next_cursor: null });
    await until(
      () =>
        root.querySelector('[data-lead-id="lead-acme"] [data-label="Details"] dt')?.textContent ===
        'Company name',
    );
    const acme = root.querySelector('[data-lead-id="lead-acme"]') as HTMLElement;
    expect(acme.querySelector('[data-label="Assistant"]')?.textContent?.trim()).toBe('Second Desk');
    // A value its assistant has no field for still shows, by its name.
    expect(
      Array.from(acme.querySelectorAll('[data-label="Details"] dt')).map((e) => e.textContent),
    ).toEqual(['Company name', 'phone']);
    expect(root.querySelector('a[download]')?.getAttribute('href')).toContain(
      'assistant_id=second',
    );
  });

  it('ends the session when a staff call answers 401', async () => {
    await open('/admin', user('agent'));
    fail(await request('GET', '/api/leads'), 401, 'unauthorized', 'Sign in first.');
    await until(() => root.querySelector('#staff-email') !== null);
    expect(text()).toContain('Your sign-in has ended. Sign in again.');
  });

  it('signs out on the server with the XSRF header, and shows the sign-in form', async () => {
    await openInbox('agent');
    button('Sign out').click();
    const logout = await request('POST', '/api/auth/logout');
    expect(logout.request.headers.get('X-XSRF-TOKEN')).toBe('xsrf-1');
    logout.flush(null, { status: 204, statusText: 'No Content' });
    await until(() => root.querySelector('#staff-email') !== null);
    expect(text()).toContain('You are signed out.');
  });

  describe('a lead', () => {
    const detail: LeadDetail = {
      ...ADA,
      fields: { name: 'Ada Lovelace', email: 'ada@example.com' },
      activity: [],
      messages: [
        {
          id: 'm1',
          role: 'user',
          content: 'I am Ada, ada@example.com',
          created_at: '2026-03-02T10:00:00.000Z',
        },
        {
          id: 'm2',
          role: 'assistant',
          content: 'Thanks, **Ada**. <img src=x onerror="alert(1)">',
          created_at: '2026-03-02T10:00:01.000Z',
        },
      ],
      notifications: [
        {
          id: 'n1',
          channel: 'email',
          status: 'failed',
          attempts: 12,
          last_error: 'SMTP 550 mailbox unavailable',
          next_attempt_at: null,
          sent_at: null,
        },
      ],
    };

    async function openLead(role: StaffRole): Promise<void> {
      await open('/admin/leads/lead-ada', user(role));
      (await request('GET', '/api/leads/lead-ada')).flush(detail);
      await until(() => root.querySelector('h1')?.textContent === 'Ada Lovelace');
    }

    it('shows every field, the notifications and the conversation rendered as the chat renders it', async () => {
      await openLead('agent');
      expect(root.querySelector('[data-field="name"]')?.textContent?.trim()).toBe('Ada Lovelace');
      // Labelled by the lead's own assistant's fields, which arrive after the lead.
      await until(() => root.querySelector('[data-field="goals"]') !== null);
      expect(root.querySelector('[data-assistant]')?.textContent?.trim()).toBe('Coach');
      expect(
        Array.from(root.querySelectorAll('.lead-fields dt')).map((e) => e.textContent),
      ).toEqual(['Name', 'Email address', 'Goals']);
      expect(root.querySelector('[data-field="goals"]')?.textContent?.trim()).toBe('Not given');
      expect(root.querySelector('[data-notification="email"]')?.textContent).toContain(
        'SMTP 550 mailbox unavailable',
      );
      expect(root.querySelector('chat-finished-message .assistant strong')?.textContent).toBe(
        'Ada',
      );
      expect(root.querySelector('chat-finished-message img')).toBeNull();
      expect(root.querySelector('chat-finished-message .user')?.textContent).toContain('I am Ada');
      expect(button('Erase')).toBeUndefined();

      button('Send again').click();
      const retry = await request('POST', '/api/leads/lead-ada/notifications/retry');
      expect(retry.request.headers.get('X-XSRF-TOKEN')).toBe('xsrf-1');
      retry.flush({
        requeued: [{ ...detail.notifications[0], status: 'queued', attempts: 0, last_error: null }],
      });
      await until(() => text().includes('Queued again'));
      expect(
        root
          .querySelector('[data-notification="email"] [data-label="Status"]')
          ?.textContent?.trim(),
      ).toBe('Queued');
      expect(button('Send again')).toBeUndefined();
    });

    it('is erased by an admin after a confirmation that names it, then the inbox says so', async () => {
      await openLead('admin');
      button('Erase lead').click();
      const dialog = root.querySelector('dialog') as HTMLDialogElement;
      await until(() => dialog.open);
      expect(dialog.textContent?.replace(/\s+/g, ' ')).toContain(
        'This erases Ada Lovelace (ada@example.com)',
      );

      dialog.querySelector<HTMLButtonElement>('.cancel')?.click();
      expect(dialog.open).toBe(false);
      expect(http.match((r) => r.method === 'DELETE')).toEqual([]);

      button('Erase lead').click();
      dialog.querySelector<HTMLButtonElement>('.danger')?.click();
      const erase = await request('DELETE', '/api/leads/lead-ada');
      expect(erase.request.headers.get('X-XSRF-TOKEN')).toBe('xsrf-1');
      erase.flush(null, { status: 204, statusText: 'No Content' });
      (await request('GET', '/api/leads')).flush({ leads: [GRACE], next_cursor: null });
      await until(() => text().includes('Erased Ada Lovelace (ada@example.com).'));
      expect(TestBed.inject(Router).url).toBe('/admin');
    });

    it('says so when the lead was erased meanwhile', async () => {
      await openLead('agent');
      sources[0].emit({ type: 'lead_erased', id: 'lead-ada' });
      await until(() => text().includes('This lead was erased.'));
    });
  });

  describe('admin pages', () => {
    const admin: StaffAccount = {
      ...user('admin').user,
      disabled: false,
      created_at: '2026-01-01T00:00:00.000Z',
    };
    const agent: StaffAccount = {
      id: 'agent-2',
      email: 'agent@example.com',
      role: 'agent',
      disabled: false,
      created_at: '2026-01-02T00:00:00.000Z',
    };

    it('lists staff accounts, creates one, changes a role and disables an account', async () => {
      await open('/admin/users', user('admin'));
      (await request('GET', '/api/admin/users')).flush([admin]);
      await until(() => root.querySelectorAll('tbody tr').length === 1);

      (root.querySelector('#account-email') as HTMLInputElement).value = 'agent@example.com';
      (root.querySelector('#account-password') as HTMLInputElement).value = 'a long password';
      expect(root.querySelector('#account-password')?.getAttribute('minlength')).toBe('12');
      (root.querySelector('#account-role') as HTMLSelectElement).value = 'agent';
      root.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
      const create = await request('POST', '/api/admin/users');
      expect(create.request.body).toEqual({
        email: 'agent@example.com',
        password: 'a long password',
        role: 'agent',
      });
      expect(create.request.headers.get('X-XSRF-TOKEN')).toBe('xsrf-1');
      create.flush(agent, { status: 201, statusText: 'Created' });
      await until(() => root.querySelectorAll('tbody tr').length === 2);

      const agentRow = root.querySelector('[data-account="agent@example.com"]') as HTMLElement;
      agentRow.querySelectorAll('button')[0].click();
      const promote = await request('PATCH', '/api/admin/users/agent-2');
      expect(promote.request.body).toEqual({ role: 'admin' });
      promote.flush({ ...agent, role: 'admin' });
      await until(() => text().includes('agent@example.com is now an admin.'));

      const adminRow = root.querySelector('[data-account="admin@example.com"]') as HTMLElement;
      expect(adminRow.textContent).toContain('(you)');
      adminRow.querySelectorAll('button')[1].click();
      fail(
        await request('PATCH', '/api/admin/users/admin-id'),
        400,
        'invalid_request',
        'At least one active admin account must remain.',
      );
      await until(() => text().includes('At least one active admin account must remain.'));
    });

    it('creates an API key shown once with a copy button, and revokes one after a confirmation', async () => {
      const writeText = jest.fn().mockResolvedValue(undefined);
      Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
      const crm: ApiKeySummary = {
        id: 'key-1',
        name: 'CRM sync',
        prefix: 'csk_ab12',
        scopes: ['leads:read'],
        created_at: '2026-03-01T00:00:00.000Z',
        last_used_at: null,
        revoked_at: null,
      };
      await open('/admin/api-keys', user('admin'));
      (await request('GET', '/api/admin/api-keys')).flush([]);
      await until(() => text().includes('No API keys yet.'));

      (root.querySelector('#key-name') as HTMLInputElement).value = 'CRM sync';
      (root.querySelector('input[name="scope-chat"]') as HTMLInputElement).checked = true;
      root.querySelector('form')?.dispatchEvent(new Event('submit', { cancelable: true }));
      const create = await request('POST', '/api/admin/api-keys');
      expect(create.request.body).toEqual({ name: 'CRM sync', scopes: ['chat', 'leads:read'] });
      create.flush({
        id: 'key-1',
        name: 'CRM sync',
        scopes: ['chat', 'leads:read'],
        key: 'csk_ab12_secret',
        created_at: crm.created_at,
      });
      (await request('GET', '/api/admin/api-keys')).flush([crm]);
      await until(
        () =>
          root.querySelector('[data-created-key]') !== null &&
          root.querySelectorAll('tbody tr').length === 1,
      );
      expect(root.querySelector('[data-created-key]')?.textContent).toBe('csk_ab12_secret');
      expect(document.activeElement?.id).toBe('created-key-title');
      button('Copy').click();
      await until(() => text().includes('Copied to the clipboard.'));
      expect(writeText).toHaveBeenCalledWith('csk_ab12_secret');
      button('Done').click();
      await until(() => root.querySelector('[data-created-key]') === null);
      expect(root.querySelector('[data-key="CRM sync"]')?.textContent).toContain('csk_ab12…');

      button('Revoke').click();
      const dialog = root.querySelector('dialog') as HTMLDialogElement;
      await until(() => dialog.open && (dialog.textContent?.includes('CRM sync') ?? false));
      dialog.querySelector<HTMLButtonElement>('.danger')?.click();
      const revoke = await request('DELETE', '/api/admin/api-keys/key-1');
      revoke.flush(null, { status: 204, statusText: 'No Content' });
      (await request('GET', '/api/admin/api-keys')).flush([
        { ...crm, revoked_at: '2026-03-02T00:00:00.000Z' },
      ]);
      await until(() => root.querySelector('tbody button') === null);
      expect(text()).toContain('Revoked CRM sync: calls with it are refused from now on.');
      expect(
        root.querySelector('[data-key="CRM sync"] [data-label="Status"]')?.textContent,
      ).toContain('Revoked');
    });
  });
});
