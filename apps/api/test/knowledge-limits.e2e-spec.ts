import type { KnowledgeSourceSummary } from '@chat/contracts';
import {
  minimalPdf,
  type RunningBuiltApi,
  ScratchDirs,
  StaffClient,
  startBuiltApi,
  stopProcess,
  waitFor,
} from '@chat/test-support';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
const KNOWLEDGE = '/api/admin/assistants/trading-education/knowledge';

/** Each `<nav>` is removed from one long list of siblings: many seconds in node-html-parser. */
const SLOW_HTML = `<body>${'<nav></nav>'.repeat(40_000)}<p>Finally some text.</p></body>`;
/** Half a million elements: far more heap than 64 MiB. */
const LARGE_HTML = `<body>${'<p>x y z</p>'.repeat(500_000)}</body>`;

describe('the built API reading knowledge documents within their limits', () => {
  const scratch = new ScratchDirs();
  let api: RunningBuiltApi;
  let admin: StaffClient;

  beforeAll(async () => {
    api = await startBuiltApi(
      {
        PATH: process.env['PATH'],
        LOG_LEVEL: 'silent',
        MAIL_OUTBOX_DIR: scratch.make('outbox-'),
        DATA_DIR: scratch.make('data-'),
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        KNOWLEDGE_POLL_MS: '100',
        KNOWLEDGE_MAX_FILE_BYTES: String(8 * 1024 * 1024),
        KNOWLEDGE_PARSE_TIMEOUT_MS: '3000',
        KNOWLEDGE_PARSE_MEMORY_MB: '64',
      },
      { timeoutMs: 60_000 },
    );
    admin = new StaffClient(api.url);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(200);
  }, 90_000);
  afterAll(async () => {
    await stopProcess(api.child);
    scratch.removeAll();
  });

  async function upload(name: string, content: string | Buffer): Promise<KnowledgeSourceSummary> {
    const form = new FormData();
    form.append(
      'file',
      new Blob([typeof content === 'string' ? content : new Uint8Array(content)]),
      name,
    );
    const response = await fetch(`${api.url}${KNOWLEDGE}`, {
      method: 'POST',
      headers: admin.credentials(),
      body: form,
    });
    expect(response.status).toBe(201);
    return (await response.json()) as KnowledgeSourceSummary;
  }

  async function sources(): Promise<KnowledgeSourceSummary[]> {
    return (await (await admin.call('GET', KNOWLEDGE)).json()) as KnowledgeSourceSummary[];
  }

  it('fails the slow and the huge document with their reasons, and reads the others', async () => {
    // The slow one first: the job reads them one after another, the others after it.
    const slow = await upload('slow.html', SLOW_HTML);
    const large = await upload('large.html', LARGE_HTML);
    const pricing = await upload('pricing.md', '# Prices\n\nThe premium plan costs 49 euros.\n');
    const mentoring = await upload('mentoring.pdf', minimalPdf(['Every student gets a mentor.']));

    // While documents are read the server answers at once: they are parsed off its event loop.
    let slowest = 0;
    await waitFor(
      async () => {
        const started = Date.now();
        expect((await fetch(`${api.url}/api/health/ready`)).status).toBe(200);
        slowest = Math.max(slowest, Date.now() - started);
        return (await sources()).every((source) => source.status !== 'processing');
      },
      30_000,
      100,
    );
    expect(slowest).toBeLessThan(1_000);

    const byId = new Map((await sources()).map((source) => [source.id, source]));
    expect(byId.get(slow.id)).toMatchObject({
      status: 'failed',
      error: 'The document took too long to read.',
    });
    expect(byId.get(large.id)).toMatchObject({
      status: 'failed',
      error: 'The document needs too much memory to read.',
    });
    for (const source of [pricing, mentoring]) {
      expect(byId.get(source.id)).toMatchObject({ status: 'ready' });
      expect(byId.get(source.id)?.chunks).toBeGreaterThan(0);
    }
  }, 60_000);
});
