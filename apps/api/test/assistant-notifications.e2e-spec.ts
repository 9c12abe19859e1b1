import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import type { AssistantDetail, LeadDetail, LeadPage } from '@chat/contracts';
import { postChatStream, waitFor } from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';
import { StaffClient } from '@chat/test-support';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
const WEBHOOK_SECRET = `whsec_${Buffer.from('a test secret of 32 bytes, ok!!!').toString('base64')}`;

/** A webhook receiver that records each delivery's path, whether it verified, and its type. */
async function startReceiver() {
  const verifier = new Webhook(WEBHOOK_SECRET);
  const received: { path: string; verified: boolean; type?: string; body: string }[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      let type: string | undefined;
      try {
        type = (
          verifier.verify(
            body,
            request.headers as IncomingHttpHeaders as Record<string, string>,
          ) as {
            type: string;
          }
        ).type;
      } catch {
        type = undefined;
      }
      received.push({ path: request.url ?? '', verified: type !== undefined, type, body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Creates and publishes an assistant from the default's draft, with one required field and `notifications`. */
async function publishAssistant(admin: StaffClient, id: string, notifications: object) {
  const imported = await admin.call('GET', '/api/admin/assistants/trading-education');
  const draft = ((await imported.json()) as AssistantDetail).draft;
  const created = await admin.call('POST', '/api/admin/assistants', {
    body: {
      id,
      draft: {
        ...draft,
        id,
        name: `Assistant ${id}`,
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
        notifications,
      },
    },
  });
  expect(created.status).toBe(201);
  expect((await admin.call('POST', `/api/admin/assistants/${id}/publish`)).status).toBe(200);
}

/** A visitor of `assistantId` who gives their company: the lead is complete. Answers the session id. */
async function completeLead(
  api: RunningApi,
  assistantId: string,
  company: string,
): Promise<string> {
  const first = await postChatStream(api.baseUrl, {
    message: 'Hello there',
    assistant_id: assistantId,
  });
  await first.finished;
  const sessionId = first.get('start').session_id;
  const answer = await postChatStream(
    api.baseUrl,
    { message: company, session_id: sessionId },
    first.sessionToken,
  );
  await answer.finished;
  expect(answer.get('done').is_complete).toBe(true);
  return sessionId;
}

async function leadOf(admin: StaffClient, company: string): Promise<LeadDetail> {
  const page = (await (
    await admin.call('GET', `/api/leads?q=${encodeURIComponent(company)}`)
  ).json()) as LeadPage;
  expect(page.leads).toHaveLength(1);
  return (await (await admin.call('GET', `/api/leads/${page.leads[0].id}`)).json()) as LeadDetail;
}

const emailTo = (api: RunningApi, sessionId: string): string | undefined => {
  const file = readdirSync(api.outboxDir).find(
    (name) =>
      name.endsWith('.eml') && readFileSync(join(api.outboxDir, name), 'utf8').includes(sessionId),
  );
  return file && /^To: (.*)$/m.exec(readFileSync(join(api.outboxDir, file), 'utf8'))?.[1];
};

describe("an assistant's own notifications (PROTOCOL.md, Assistants: notifications)", () => {
  it('emails its recipients and signs its leads to its own webhook, and tells that webhook of an erasure', async () => {
    const receiver = await startReceiver();
    // The deployment has a signing secret and no webhook of its own.
    const api = await startApi({
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LEAD_NOTIFY_TO: 'everyone@example.com',
      LEAD_WEBHOOK_SECRET: WEBHOOK_SECRET,
      OUTBOUND_ALLOW_PRIVATE: 'true',
      OUTBOX_POLL_MS: '50',
    });
    try {
      const admin = new StaffClient(api.baseUrl);
      expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(200);
      await publishAssistant(admin, 'sales', {
        email_recipients: ['sales-team@example.com', 'owner@example.com'],
        webhook_url: `${receiver.origin}/hooks/sales`,
      });
      const salesSession = await completeLead(api, 'sales', 'Acme Sales Corp');
      await waitFor(() => receiver.received.length === 1, 10_000);
      expect(receiver.received[0]).toMatchObject({
        path: '/hooks/sales',
        verified: true,
        type: 'lead.completed',
      });
      expect(receiver.received[0].body).toContain('Acme Sales Corp');
      expect(emailTo(api, salesSession)).toBe('sales-team@example.com, owner@example.com');

      // An assistant without notifications of its own: the deployment's recipients, and no webhook.
      await publishAssistant(admin, 'plain', { email_recipients: [] });
      const plainSession = await completeLead(api, 'plain', 'Plain Widgets Ltd');
      expect(emailTo(api, plainSession)).toBe('everyone@example.com');
      expect(
        (await leadOf(admin, 'Plain Widgets Ltd')).notifications.map((n) => n.channel),
      ).toEqual(['email']);

      // The receiver that was sent the lead is the one told of its erasure.
      const sales = await leadOf(admin, 'Acme Sales Corp');
      expect((await admin.call('DELETE', `/api/leads/${sales.id}`)).status).toBe(204);
      await waitFor(() => receiver.received.length === 2, 10_000);
      expect(receiver.received[1]).toMatchObject({
        path: '/hooks/sales',
        verified: true,
        type: 'lead.erased',
      });
      expect(receiver.received[1].body).toContain(sales.id);
      expect(receiver.received[1].body).not.toContain('Acme Sales Corp');
    } finally {
      await api.close();
      await receiver.close();
    }
  });

  it('sends nothing to an internal address an assistant names: the outbound guard refuses it, and the lead says so', async () => {
    const receiver = await startReceiver();
    const api = await startApi({
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LEAD_WEBHOOK_SECRET: WEBHOOK_SECRET,
      OUTBOX_POLL_MS: '50',
      OUTBOX_RETRY_BASE_MS: '100',
      OUTBOX_RETRY_MAX_MS: '100',
      OUTBOX_MAX_ATTEMPTS: '2',
    });
    try {
      const admin = new StaffClient(api.baseUrl);
      expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(200);
      await publishAssistant(admin, 'sneaky', {
        email_recipients: [],
        webhook_url: `${receiver.origin}/hooks/internal`,
      });
      await completeLead(api, 'sneaky', 'Internal Probe Inc');
      let webhook: LeadDetail['notifications'][number] | undefined;
      await waitFor(async () => {
        webhook = (await leadOf(admin, 'Internal Probe Inc')).notifications.find(
          (n) => n.channel === 'webhook',
        );
        return webhook?.status === 'failed';
      }, 10_000);
      expect(webhook?.last_error).toMatch(/internal|private|refused/i);
      expect(webhook?.last_error).not.toContain(receiver.origin);
      expect(receiver.received).toEqual([]);
    } finally {
      await api.close();
      await receiver.close();
    }
  });
});
