import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import { Webhook } from 'standardwebhooks';
import type { CreatedApiKey, LeadDetail, LeadPage, LeadWebhookPayload } from '@chat/contracts';
import { ChatVisitor, waitFor } from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';
import { StaffClient } from '@chat/test-support';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
const AGENT = { email: 'agent@example.com', password: 'another long passphrase' };
const WEBHOOK_SECRET = `whsec_${Buffer.from('a test secret of 32 bytes, ok!!!').toString('base64')}`;

/** A visitor answering the demo model's questions until the lead is complete. */
async function completeLead(api: RunningApi, name: string, sessionId: string): Promise<void> {
  const visitor = new ChatVisitor(api.baseUrl);
  for (const message of [`My name is ${name}`, `${sessionId}@example.com`, "I'm a beginner"]) {
    await visitor.turn({ message, session_id: sessionId });
  }
}

const bearer = (key: string) => ({ headers: { Authorization: `Bearer ${key}` } });

describe('the leads API', () => {
  let api: RunningApi;
  let admin: StaffClient;
  let agent: StaffClient;
  let reader: CreatedApiKey;
  let chatter: CreatedApiKey;

  beforeAll(async () => {
    api = await startApi({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    admin = new StaffClient(api.baseUrl);
    await admin.login(ADMIN.email, ADMIN.password);
    await admin.call('POST', '/api/admin/users', { body: { ...AGENT, role: 'agent' } });
    agent = new StaffClient(api.baseUrl);
    await agent.login(AGENT.email, AGENT.password);
    reader = await (
      await admin.call('POST', '/api/admin/api-keys', {
        body: { name: 'CRM', scopes: ['leads:read'] },
      })
    ).json();
    chatter = await (
      await admin.call('POST', '/api/admin/api-keys', {
        body: { name: 'Widget', scopes: ['chat'] },
      })
    ).json();
    await completeLead(api, 'Zoë Quinn', 'lead-zoe');
  }, 60_000);
  afterAll(() => api.close());

  const anonymous = (path: string, method = 'GET') => fetch(`${api.baseUrl}${path}`, { method });
  const withKey = (key: CreatedApiKey, path: string, method = 'GET') =>
    fetch(`${api.baseUrl}${path}`, { method, ...bearer(key.key) });

  async function zoe(): Promise<LeadPage['leads'][number]> {
    const page: LeadPage = await (await withKey(reader, '/api/leads?q=zo%C3%AB')).json();
    expect(page.leads).toHaveLength(1);
    return page.leads[0];
  }

  it('reads leads for staff and keys with leads:read, and nobody else', async () => {
    const lead = await zoe();
    expect(lead).toMatchObject({
      state: 'complete',
      notification_status: 'sent',
      fields: { name: 'Zoë Quinn', experience: 'beginner' },
    });
    for (const path of ['/api/leads', `/api/leads/${lead.id}`]) {
      expect([path, (await anonymous(path)).status]).toEqual([path, 401]);
      expect([path, (await withKey(chatter, path)).status]).toEqual([path, 403]);
      expect([path, (await withKey(reader, path)).status]).toEqual([path, 200]);
      expect([path, (await agent.call('GET', path)).status]).toEqual([path, 200]);
      expect([path, (await admin.call('GET', path)).status]).toEqual([path, 200]);
    }
    const detail: LeadDetail = await (await agent.call('GET', `/api/leads/${lead.id}`)).json();
    expect(detail.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    expect(detail.notifications).toMatchObject([{ channel: 'email', status: 'sent', attempts: 1 }]);
    // Bad input is refused plainly; an unknown lead is not found.
    for (const bad of [
      '/api/leads?limit=1000',
      '/api/leads?since=yesterday',
      '/api/leads?status=lost',
      '/api/leads?cursor=abc',
      '/api/leads/not-a-uuid',
    ]) {
      expect([bad, (await withKey(reader, bad)).status]).toEqual([bad, 400]);
    }
    expect((await withKey(reader, '/api/leads/00000000-0000-4000-8000-000000000000')).status).toBe(
      404,
    );
  });

  it('exports CSV to staff only, and sends failed notifications again on a staff call with its CSRF token', async () => {
    expect((await anonymous('/api/leads/export.csv')).status).toBe(401);
    expect((await withKey(reader, '/api/leads/export.csv')).status).toBe(403);
    const exported = await agent.call('GET', '/api/leads/export.csv?q=quinn');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(exported.headers.get('content-disposition')).toContain('attachment');
    const rows: string[][] = parse((await exported.text()).replace(/^\uFEFF/, ''));
    expect(rows[0].slice(0, 4)).toEqual(['lead_id', 'session_id', 'state', 'notification_status']);
    expect(rows.slice(1).map((row) => row[rows[0].indexOf('name')])).toEqual(['Zoë Quinn']);
    // The default assistant (the profile file's), whose session the lead came from.
    expect(rows.slice(1).map((row) => row[rows[0].indexOf('assistant_id')])).toEqual([
      'trading-education',
    ]);

    const { id } = await zoe();
    const retry = `/api/leads/${id}/notifications/retry`;
    expect((await anonymous(retry, 'POST')).status).toBe(401);
    expect((await withKey(reader, retry, 'POST')).status).toBe(403);
    expect((await agent.call('POST', retry, { csrf: false })).status).toBe(403);
    // Nothing failed: nothing to send again.
    expect(await (await agent.call('POST', retry)).json()).toEqual({ requeued: [] });
  });

  it('streams lead changes to staff, live', async () => {
    expect((await anonymous('/api/leads/events')).status).toBe(401);
    expect((await withKey(reader, '/api/leads/events')).status).toBe(403);
    const controller = new AbortController();
    const feed = await fetch(`${api.baseUrl}/api/leads/events`, {
      headers: { Cookie: `staff_session=${agent.cookies.get('staff_session')}` },
      signal: controller.signal,
    });
    expect(feed.headers.get('content-type')).toContain('text/event-stream');
    let received = '';
    const reading = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of feed.body as unknown as AsyncIterable<Uint8Array>)
        received += decoder.decode(chunk, { stream: true });
    })().catch(() => undefined);
    const started = Date.now();
    await completeLead(api, 'Live Lead', 'lead-live');
    await waitFor(
      () => received.includes('"state":"complete"') && received.includes('Live Lead'),
      5_000,
    );
    console.log(
      `lead feed: the completed lead reached the staff feed ${Date.now() - started} ms after its conversation began`,
    );
    controller.abort();
    await reading;
  }, 30_000);

  it('erases a lead for admins only: gone from the list, the detail and the database', async () => {
    const { id, session_id } = await zoe();
    const path = `/api/leads/${id}`;
    expect((await anonymous(path, 'DELETE')).status).toBe(401);
    expect((await withKey(reader, path, 'DELETE')).status).toBe(403);
    expect((await agent.call('DELETE', path)).status).toBe(403);
    expect((await admin.call('DELETE', path, { csrf: false })).status).toBe(403);
    expect((await admin.call('DELETE', path)).status).toBe(204);
    expect((await admin.call('DELETE', path)).status).toBe(404);
    expect((await withKey(reader, path)).status).toBe(404);
    const page: LeadPage = await (await withKey(reader, '/api/leads')).json();
    expect(page.leads.map((lead) => lead.id)).not.toContain(id);
    // The session and its transcript went too.
    const visitorView = await fetch(`${api.baseUrl}/api/chat/sessions/${session_id}`);
    expect(visitorView.status).toBe(404);
  });
});

/** A webhook receiver that verifies each delivery with the reference verifier, failing the first `failFirst`. */
async function startReceiver(failFirst: number, port = 0) {
  const verifier = new Webhook(WEBHOOK_SECRET);
  const attempts: {
    headers: IncomingHttpHeaders;
    verified: LeadWebhookPayload | undefined;
    answered: number;
  }[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      let verified: LeadWebhookPayload | undefined;
      try {
        verified = verifier.verify(
          body,
          request.headers as Record<string, string>,
        ) as LeadWebhookPayload;
      } catch {
        verified = undefined;
      }
      const answered = !verified ? 401 : attempts.length < failFirst ? 500 : 204;
      attempts.push({ headers: request.headers, verified, answered });
      response.writeHead(answered).end(answered === 500 ? 'try again later' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/leads`,
    attempts,
    delivered: () => attempts.filter((attempt) => attempt.answered === 204),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('lead webhooks', () => {
  // The receivers listen on loopback, which the outbound guard refuses unless allowed.
  const settings = {
    LEAD_WEBHOOK_SECRET: WEBHOOK_SECRET,
    OUTBOUND_ALLOW_PRIVATE: 'true',
    OUTBOX_POLL_MS: '50',
    OUTBOX_RETRY_BASE_MS: '50',
    OUTBOX_RETRY_MAX_MS: '200',
  };

  it('signs each delivery the Standard Webhooks way, retries with the same webhook-id, and delivers once', async () => {
    const receiver = await startReceiver(2);
    const api = await startApi({ ...settings, LEAD_WEBHOOK_URL: receiver.url });
    try {
      await completeLead(api, 'Hook Lead', 'lead-hook');
      await waitFor(() => receiver.delivered().length === 1, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(receiver.attempts.map((attempt) => attempt.answered)).toEqual([500, 500, 204]);
      expect(new Set(receiver.attempts.map((attempt) => attempt.headers['webhook-id'])).size).toBe(
        1,
      );
      const payload = receiver.delivered()[0].verified;
      expect(payload).toMatchObject({
        type: 'lead.completed',
        id: receiver.attempts[0].headers['webhook-id'],
        occurred_at: expect.stringMatching(/Z$/),
        data: {
          state: 'complete',
          assistant_id: 'trading-education',
          fields: { name: 'Hook Lead', email: 'lead-hook@example.com', experience: 'beginner' },
        },
      });
      // The staff's workflow (a staff member's email among it) is not the receiver's.
      for (const key of ['stage', 'owner', 'tags', 'unread'])
        expect(payload?.data).not.toHaveProperty(key);
      expect(receiver.attempts.every((attempt) => attempt.verified !== undefined)).toBe(true);
    } finally {
      await api.close();
      await receiver.close();
    }
  }, 30_000);

  it('shows a failed delivery with its error to staff, who send it again', async () => {
    const receiver = await startReceiver(2);
    const api = await startApi({
      ...settings,
      LEAD_WEBHOOK_URL: receiver.url,
      OUTBOX_MAX_ATTEMPTS: '2',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    });
    try {
      const staff = new StaffClient(api.baseUrl);
      await staff.login(ADMIN.email, ADMIN.password);
      await completeLead(api, 'Failed Lead', 'lead-failed');
      const detail = async (): Promise<LeadDetail> => {
        const page: LeadPage = await (await staff.call('GET', '/api/leads')).json();
        return (await staff.call('GET', `/api/leads/${page.leads[0].id}`)).json();
      };
      await waitFor(async () => (await detail()).notification_status === 'failed', 10_000, 50);
      const failed = await detail();
      expect(
        failed.notifications.find((notification) => notification.channel === 'webhook'),
      ).toMatchObject({
        status: 'failed',
        attempts: 2,
        // The status only: what a receiver answers is never stored nor shown.
        last_error: 'The webhook answered HTTP 500',
      });
      const retried = await (
        await staff.call('POST', `/api/leads/${failed.id}/notifications/retry`)
      ).json();
      expect(retried.requeued).toMatchObject([
        { channel: 'webhook', status: 'queued', attempts: 0 },
      ]);
      await waitFor(() => receiver.delivered().length === 1, 5_000);
      await waitFor(async () => (await detail()).notification_status === 'sent', 5_000, 50);
      expect(new Set(receiver.attempts.map((attempt) => attempt.headers['webhook-id'])).size).toBe(
        1,
      );
    } finally {
      await api.close();
      await receiver.close();
    }
  }, 30_000);

  it('loses nothing when the receiver is down across a restart', async () => {
    const probe = await startReceiver(0);
    const { url } = probe;
    const port = Number(new URL(url).port);
    await probe.close();
    // The receiver is down: the turn's attempt is refused, and the next one is due in 1-2 s.
    const slowRetry = { OUTBOX_RETRY_BASE_MS: '2000', OUTBOX_RETRY_MAX_MS: '2000' };
    const first = await startApi({ ...settings, ...slowRetry, LEAD_WEBHOOK_URL: url });
    await completeLead(first, 'Patient Lead', 'lead-patient');
    await first.close({ keepData: true });

    // The receiver comes back on the same address; a new instance on the same data delivers, once.
    const back = await startReceiver(0, port);
    const second = await startApi({
      ...settings,
      ...slowRetry,
      LEAD_WEBHOOK_URL: url,
      DATA_DIR: first.dataDir,
    });
    try {
      await waitFor(() => back.delivered().length === 1, 10_000, 50);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(back.attempts).toHaveLength(1);
      expect(back.delivered()[0].verified?.data.fields['name']).toBe('Patient Lead');
    } finally {
      await second.close();
      await back.close();
    }
  }, 60_000);
});
