import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LeadDetail, LeadPage } from '@chat/contracts';
import { ChatVisitor, waitFor } from '@chat/test-support';
import { type RunningApi, startApi } from './support/api-server';
import { StaffClient } from '@chat/test-support';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
const WEBHOOK_SECRET = `whsec_${Buffer.from('a test secret of 32 bytes, ok!!!').toString('base64')}`;

async function completeLead(api: RunningApi, sessionId: string): Promise<void> {
  const visitor = new ChatVisitor(api.baseUrl);
  for (const message of [
    'My name is Otto Outbound',
    `${sessionId}@example.com`,
    "I'm a beginner",
  ]) {
    await visitor.turn({ message, session_id: sessionId });
  }
}

/** A receiver on every loopback address (IPv4, IPv6, IPv4-mapped) answering `status` with `body`, counting what reaches it. */
async function startReceiver(status: number, body = '') {
  let reached = 0;
  const server: Server = createServer((request, response) => {
    reached++;
    request.resume();
    request.on('end', () => response.writeHead(status, { 'Content-Type': 'text/plain' }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '::', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    reached: () => reached,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The webhook notification of the only lead, once it is failed, as staff see it. */
async function failedWebhook(api: RunningApi, staff: StaffClient) {
  const detail = async (): Promise<LeadDetail> => {
    const page: LeadPage = await (await staff.call('GET', '/api/leads')).json();
    return (await staff.call('GET', `/api/leads/${page.leads[0].id}`)).json();
  };
  await waitFor(
    async () =>
      (await detail()).notifications.some((n) => n.channel === 'webhook' && n.status === 'failed'),
    10_000,
    50,
  );
  return (await detail()).notifications.find((n) => n.channel === 'webhook');
}

const settings = {
  LEAD_WEBHOOK_SECRET: WEBHOOK_SECRET,
  OUTBOX_MAX_ATTEMPTS: '1',
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
};

describe('outbound address policy (webhooks, without OUTBOUND_ALLOW_PRIVATE)', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => (receiver = await startReceiver(204)));
  afterAll(() => receiver.close());

  // Loopback targets have a receiver listening; the others are refused before any packet leaves.
  const targets = (port: number) => ({
    loopback: `http://127.0.0.1:${port}/hooks`,
    'IPv6 loopback': `http://[::1]:${port}/hooks`,
    'IPv4-mapped loopback': `http://[::ffff:127.0.0.1]:${port}/hooks`,
    'a name resolving to loopback': `http://localhost:${port}/hooks`,
    'the metadata address': 'http://169.254.169.254/latest/meta-data/',
    'a private network': 'http://10.0.0.1/hooks',
  });

  it.each(Object.keys(targets(0)))(
    'refuses a webhook to %s and records a failed delivery with a generic reason',
    async (name) => {
      const url = targets(receiver.port)[name as keyof ReturnType<typeof targets>];
      const before = receiver.reached();
      const api = await startApi({ ...settings, LEAD_WEBHOOK_URL: url });
      try {
        const staff = new StaffClient(api.baseUrl);
        await staff.login(ADMIN.email, ADMIN.password);
        await completeLead(api, 'outbound-refused');
        const webhook = await failedWebhook(api, staff);
        expect(webhook).toMatchObject({ status: 'failed', attempts: 1 });
        expect(webhook?.last_error).toBe(
          'The webhook address is refused: it is an internal address (set OUTBOUND_ALLOW_PRIVATE=true for a receiver on your own network)',
        );
        expect(receiver.reached()).toBe(before);
      } finally {
        await api.close();
      }
    },
    30_000,
  );
});

describe('what staff see of a failing receiver', () => {
  it("shows the status code only, never the receiver's body", async () => {
    const secret = 'SECRET-internal-token-4f1c9a';
    const receiver = await startReceiver(500, `upstream said: ${secret}`);
    const api = await startApi({
      ...settings,
      OUTBOUND_ALLOW_PRIVATE: 'true',
      LEAD_WEBHOOK_URL: `http://127.0.0.1:${receiver.port}/hooks`,
    });
    try {
      const staff = new StaffClient(api.baseUrl);
      await staff.login(ADMIN.email, ADMIN.password);
      await completeLead(api, 'outbound-secret');
      const webhook = await failedWebhook(api, staff);
      expect(receiver.reached()).toBe(1);
      expect(webhook?.last_error).toBe('The webhook answered HTTP 500');
      const page: LeadPage = await (await staff.call('GET', '/api/leads')).json();
      for (const path of [
        '/api/leads',
        `/api/leads/${page.leads[0].id}`,
        '/api/leads/export.csv',
      ]) {
        expect([path, await (await staff.call('GET', path)).text()]).not.toEqual([
          path,
          expect.stringContaining(secret),
        ]);
      }
    } finally {
      await api.close();
      await receiver.close();
    }
  }, 30_000);
});
