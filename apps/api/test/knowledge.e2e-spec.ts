import type {
  KnowledgeSearchReply,
  LeadDetail,
  LeadPage,
  KnowledgeSourceSummary,
  SessionTranscript,
} from '@chat/contracts';
import { minimalPdf, postChatStream, waitFor } from '@chat/test-support';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { DatabaseConnection } from '../src/database/database';
import { knowledgePassages, knowledgeSources } from '../src/database/schema';
import { type RunningApi, startApi } from './support/api-server';
import { StaffClient } from '@chat/test-support';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
const AGENT = { email: 'agent@example.com', password: 'another long passphrase' };
const KNOWLEDGE = '/api/admin/assistants/trading-education/knowledge';

const MARKDOWN = `# Plans and prices

The premium plan costs 49 euros a month and includes weekly live webinars.

# Refund policy

Refunds are paid within 14 days of a written request to the support desk.
`;
const HTML = `<!doctype html><html><head><title>Opening hours</title>
<style>.x { color: red }</style><script>var secret = "tracking pixel";</script></head>
<body><nav>Home | Courses | Contact</nav><main><h2>Opening hours</h2>
<p>The trading floor helpdesk is open <b>Monday to Friday</b>, from 8 to 18 Amsterdam time.</p></main>
<footer>Copyright footer text</footer></body></html>`;
const PDF = minimalPdf([
  'Mentoring programme',
  'Every student gets a personal mentor called a coach for the first ninety days.',
]);

describe('knowledge: sources staff add, and answers that cite them', () => {
  let api: RunningApi;
  let admin: StaffClient;
  let agent: StaffClient;

  beforeAll(async () => {
    api = await startApi({
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      KNOWLEDGE_MAX_FILE_BYTES: String(64 * 1024),
      KNOWLEDGE_POLL_MS: '100',
    });
    admin = new StaffClient(api.baseUrl);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(200);
    expect(
      (await admin.call('POST', '/api/admin/users', { body: { ...AGENT, role: 'agent' } })).status,
    ).toBe(201);
    agent = new StaffClient(api.baseUrl);
    expect((await agent.login(AGENT.email, AGENT.password)).status).toBe(200);
  });
  afterAll(() => api.close());

  function upload(
    client: StaffClient,
    name: string,
    content: string | Buffer,
    type = 'application/octet-stream',
  ): Promise<Response> {
    const form = new FormData();
    form.append(
      'file',
      new Blob([typeof content === 'string' ? content : new Uint8Array(content)], { type }),
      name,
    );
    return fetch(`${api.baseUrl}${KNOWLEDGE}`, {
      method: 'POST',
      headers: client.credentials(),
      body: form,
    });
  }

  async function sources(): Promise<KnowledgeSourceSummary[]> {
    return (await (await admin.call('GET', KNOWLEDGE)).json()) as KnowledgeSourceSummary[];
  }

  async function search(query: string): Promise<KnowledgeSearchReply> {
    const response = await admin.call('POST', `${KNOWLEDGE}/search`, { body: { query } });
    expect(response.status).toBe(200);
    return (await response.json()) as KnowledgeSearchReply;
  }

  it('processes Markdown, HTML and PDF files into passages, listed and searchable with scores', async () => {
    const uploaded: KnowledgeSourceSummary[] = [];
    for (const [name, content, type] of [
      ['pricing.md', MARKDOWN, 'text/markdown'],
      ['hours.html', HTML, 'text/html'],
      // Judged by its content: a PDF is a PDF whatever it is called.
      ['mentoring.txt', PDF, 'text/plain'],
    ] as const) {
      const response = await upload(admin, name, content, type);
      expect(response.status).toBe(201);
      uploaded.push((await response.json()) as KnowledgeSourceSummary);
    }
    expect(uploaded.map((source) => source.media_type)).toEqual([
      'text/markdown',
      'text/html',
      'application/pdf',
    ]);
    expect(uploaded.every((source) => source.status === 'processing')).toBe(true);

    await waitFor(
      async () => (await sources()).every((source) => source.status === 'ready'),
      15_000,
      100,
    );
    const listed = await sources();
    expect(listed).toHaveLength(3);
    for (const source of listed) {
      expect(source).toMatchObject({ kind: 'file', created_by: ADMIN.email });
      expect(source.chunks).toBeGreaterThan(0);
      expect(source.bytes).toBeGreaterThan(0);
    }
    expect(listed.find((source) => source.title === 'pricing.md')?.chunks).toBe(2);

    const refunds = await search('How long do refunds take?');
    expect(refunds.passages[0]).toMatchObject({ title: 'pricing.md', heading: 'Refund policy' });
    expect(refunds.passages[0].content).toContain('within 14 days');
    expect(refunds.passages[0].score).toBeGreaterThan(0);

    const hours = await search('When is the helpdesk open?');
    expect(hours.passages[0].title).toBe('hours.html');
    expect(hours.passages[0].content).toContain('Monday to Friday');
    // Scripts, styles and navigation are not the document's text.
    for (const junk of ['tracking pixel', 'color: red', 'Courses', 'Copyright footer'])
      expect(
        (await search(junk)).passages.map((passage) => passage.content).join(' '),
      ).not.toContain(junk);

    const mentor = await search('Do I get a personal mentor?');
    expect(mentor.passages[0].title).toBe('mentoring.txt');
    expect(mentor.passages[0].content).toContain('ninety days');

    // Agents read, and may try a question.
    expect((await agent.call('GET', KNOWLEDGE)).status).toBe(200);
    expect(
      (await agent.call('POST', `${KNOWLEDGE}/search`, { body: { query: 'refunds' } })).status,
    ).toBe(200);
  });

  it('answers a turn from the passages, names them in sources before done, and keeps them in the transcript', async () => {
    const stream = await postChatStream(api.baseUrl, {
      message: 'What is your refund policy?',
      session_id: 'knowledge-1',
    });
    await stream.finished;
    const types = stream.types;
    expect(types.indexOf('sources')).toBeGreaterThan(-1);
    expect(types.indexOf('sources')).toBeLessThan(types.indexOf('done'));
    const { sources: used } = stream.get('sources');
    expect(used[0]).toMatchObject({ title: 'pricing.md' });
    expect(used[0].snippet).toContain('14 days');
    expect(stream.text).toContain('14 days');

    const transcript = (await (
      await fetch(`${api.baseUrl}/api/chat/sessions/knowledge-1`, {
        headers: { 'X-Session-Token': stream.sessionToken ?? '' },
      })
    ).json()) as SessionTranscript;
    const reply = transcript.messages.find((message) => message.role === 'assistant');
    expect(reply?.sources).toEqual(used);
    expect(transcript.messages.find((message) => message.role === 'user')?.sources).toBeUndefined();
    // The staff's view of the conversation shows them too (a lead is listed once it holds a detail).
    const named = await postChatStream(
      api.baseUrl,
      { message: 'My name is Ana Silva', session_id: 'knowledge-1' },
      stream.sessionToken,
    );
    await named.finished;
    const page = (await (await admin.call('GET', '/api/leads')).json()) as LeadPage;
    const lead = page.leads.find((item) => item.session_id === 'knowledge-1');
    const detail = (await (await admin.call('GET', `/api/leads/${lead?.id}`)).json()) as LeadDetail;
    expect(detail.messages.find((message) => message.role === 'assistant')?.sources).toEqual(used);
  });

  it('gives no sources to a message the documents do not match', async () => {
    const stream = await postChatStream(api.baseUrl, {
      message: 'Hello there',
      session_id: 'knowledge-2',
    });
    await stream.finished;
    expect(stream.types).not.toContain('sources');
    expect(stream.types.at(-1)).toBe('done');
  });

  it('refuses what is not a document, is too large, or comes from an agent', async () => {
    // An executable named .pdf: neither a PDF nor text.
    const executable = Buffer.concat([
      Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'),
      Buffer.alloc(64),
    ]);
    const refused = await upload(admin, 'brochure.pdf', executable, 'application/pdf');
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/unsupported file/),
    });

    const tooLarge = await upload(admin, 'big.md', 'a'.repeat(65 * 1024), 'text/markdown');
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({
      code: 'payload_too_large',
      message: `The file is larger than ${64 * 1024} bytes.`,
    });

    const byAgent = await upload(agent, 'agent.md', MARKDOWN);
    expect(byAgent.status).toBe(403);
    // Without the CSRF header, a cookie write is refused as every staff write.
    const form = new FormData();
    form.append('file', new Blob([MARKDOWN]), 'nocsrf.md');
    const noCsrf = await fetch(`${api.baseUrl}${KNOWLEDGE}`, {
      method: 'POST',
      headers: admin.credentials({ csrf: false }),
      body: form,
    });
    expect(noCsrf.status).toBe(403);
    expect((await upload(admin, 'empty.md', '', 'text/markdown')).status).toBe(201);
    await waitFor(
      async () => (await sources()).find((s) => s.title === 'empty.md')?.status === 'failed',
      10_000,
      100,
    );
    expect((await sources()).find((s) => s.title === 'empty.md')?.error).toBe(
      'The document has no text.',
    );
    expect((await sources()).length).toBe(4);
  });

  it('refuses to fetch a page on an internal address, saying why', async () => {
    const response = await admin.call('POST', KNOWLEDGE, {
      body: { url: 'http://127.0.0.1:9/internal' },
    });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as KnowledgeSourceSummary;
    await waitFor(
      async () => (await sources()).find((s) => s.id === id)?.status === 'failed',
      10_000,
      100,
    );
    expect((await sources()).find((s) => s.id === id)?.error).toMatch(
      /internal addresses are refused/,
    );
    // A file cannot be refreshed: its bytes are not kept.
    const file = (await sources()).find((s) => s.kind === 'file')!;
    expect((await admin.call('POST', `${KNOWLEDGE}/${file.id}/refresh`)).status).toBe(400);
  });

  it('deletes a source with its passages', async () => {
    const pricing = (await sources()).find((source) => source.title === 'pricing.md')!;
    expect((await agent.call('DELETE', `${KNOWLEDGE}/${pricing.id}`)).status).toBe(403);
    expect((await admin.call('DELETE', `${KNOWLEDGE}/${pricing.id}`)).status).toBe(204);
    expect((await admin.call('DELETE', `${KNOWLEDGE}/${pricing.id}`)).status).toBe(404);
    expect((await search('How long do refunds take?')).passages).toEqual([]);
    expect((await sources()).map((source) => source.title)).not.toContain('pricing.md');
  });
});

describe('knowledge from web pages', () => {
  let api: RunningApi;
  let admin: StaffClient;
  let page: Server;
  let html =
    '<html><head><title>Shipping</title></head><body><p>Parcels ship within two working days.</p></body></html>';

  beforeAll(async () => {
    page = createServer((request, response) => {
      if (request.url === '/moved') {
        response.writeHead(302, { location: 'http://169.254.169.254/' }).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'text/html' }).end(html);
    });
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    // The page server is on loopback: only an operator's OUTBOUND_ALLOW_PRIVATE lets the API reach it.
    api = await startApi({
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      OUTBOUND_ALLOW_PRIVATE: 'true',
      KNOWLEDGE_POLL_MS: '100',
    });
    admin = new StaffClient(api.baseUrl);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(200);
  });
  afterAll(async () => {
    await api.close();
    await new Promise((resolve) => page.close(resolve));
  });

  const pageUrl = (path: string) =>
    `http://127.0.0.1:${(page.address() as AddressInfo).port}${path}`;

  async function settled(id: string): Promise<KnowledgeSourceSummary> {
    let source: KnowledgeSourceSummary | undefined;
    await waitFor(
      async () => {
        const listed = (await (
          await admin.call('GET', KNOWLEDGE)
        ).json()) as KnowledgeSourceSummary[];
        source = listed.find((item) => item.id === id);
        return source !== undefined && source.status !== 'processing';
      },
      15_000,
      100,
    );
    return source!;
  }

  it('fetches a page, titles it, answers from it with its URL in sources, and refreshes it', async () => {
    const response = await admin.call('POST', KNOWLEDGE, { body: { url: pageUrl('/shipping') } });
    expect(response.status).toBe(201);
    const added = (await response.json()) as KnowledgeSourceSummary;
    expect(added).toMatchObject({ kind: 'url', url: pageUrl('/shipping'), status: 'processing' });
    expect(await settled(added.id)).toMatchObject({
      status: 'ready',
      title: 'Shipping',
      chunks: 1,
      media_type: 'text/html',
    });

    const stream = await postChatStream(api.baseUrl, {
      message: 'How fast do parcels ship?',
      session_id: 'page-1',
    });
    await stream.finished;
    expect(stream.get('sources').sources[0]).toMatchObject({
      title: 'Shipping',
      url: pageUrl('/shipping'),
    });
    expect(stream.text).toContain('two working days');

    html =
      '<html><head><title>Shipping</title></head><body><p>Parcels now ship the same day.</p></body></html>';
    expect((await admin.call('POST', `${KNOWLEDGE}/${added.id}/refresh`)).status).toBe(204);
    await waitFor(
      async () => {
        const response = await admin.call('POST', `${KNOWLEDGE}/search`, {
          body: { query: 'parcels ship' },
        });
        const { passages } = (await response.json()) as KnowledgeSearchReply;
        return passages.length === 1 && passages[0].content.includes('same day');
      },
      15_000,
      100,
    );
  });

  it('does not follow a redirect, and refuses what is not a web URL', async () => {
    const response = await admin.call('POST', KNOWLEDGE, { body: { url: pageUrl('/moved') } });
    const { id } = (await response.json()) as KnowledgeSourceSummary;
    expect((await settled(id)).error).toMatch(/redirects \(HTTP 302\)/);
    expect(
      (await admin.call('POST', KNOWLEDGE, { body: { url: 'file:///etc/passwd' } })).status,
    ).toBe(400);
    const files = (await (await admin.call('GET', KNOWLEDGE)).json()) as KnowledgeSourceSummary[];
    expect(files.every((source) => source.kind === 'url')).toBe(true);
  });
});

describe('knowledge processing is durable', () => {
  it('resumes, after a restart, a source whose instance died while processing it', async () => {
    const first = await startApi({ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    const admin = new StaffClient(first.baseUrl);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(200);
    const form = new FormData();
    form.append('file', new Blob([MARKDOWN]), 'pricing.md');
    const response = await fetch(`${first.baseUrl}${KNOWLEDGE}`, {
      method: 'POST',
      headers: admin.credentials(),
      body: form,
    });
    const { id } = (await response.json()) as KnowledgeSourceSummary;
    await first.close({ keepData: true });

    // What a dead instance leaves: its claim (lease expired), no passages, the bytes still there.
    const database = await DatabaseConnection.open({
      url: undefined,
      dataDir: first.dataDir,
      poolSize: 1,
      timeoutMs: 5000,
    });
    await database.db.delete(knowledgePassages).where(eq(knowledgePassages.sourceId, id));
    await database.db
      .update(knowledgeSources)
      .set({
        status: 'processing',
        passages: 0,
        attempts: 1,
        content: Buffer.from(MARKDOWN),
        leaseUntil: sql`now() - interval '1 second'`,
      })
      .where(eq(knowledgeSources.id, id));
    await database.close();

    const second = await startApi({ DATA_DIR: first.dataDir, KNOWLEDGE_POLL_MS: '100' });
    try {
      const staff = new StaffClient(second.baseUrl);
      expect((await staff.login(ADMIN.email, ADMIN.password)).status).toBe(200);
      await waitFor(
        async () => {
          const [source] = (await (
            await staff.call('GET', KNOWLEDGE)
          ).json()) as KnowledgeSourceSummary[];
          return source?.status === 'ready' && source.chunks === 2;
        },
        15_000,
        100,
      );
    } finally {
      await second.close();
    }
  });
});
