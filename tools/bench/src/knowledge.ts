/**
 * Knowledge, measured: how often retrieval finds the passage that answers a visitor's question
 * (recall@1, recall@4 and MRR over `tools/bench/knowledge-eval`, with full-text search and, when
 * the build and the upstream support embeddings, hybrid), and what it costs a turn: the time to
 * first token of an assistant with 10,000 passages beside one without knowledge, on the same
 * server, turn after turn in alternation, with `/knowledge/search` alone beside them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { KnowledgeSearchReply, KnowledgeSourceSummary } from '@chat/contracts';
import { StaffClient, waitFor } from '@chat/test-support';
import {
  type EvalDocument,
  type EvalSet,
  loadEvalSet,
  rankingFigures,
  type RankingFigures,
  syntheticDocuments,
} from './knowledge-eval';
import type { BenchProcess } from './processes';
import { startRequestCounter } from './request-counter';
import { median, percentile, runStream } from './stream-client';
import { fmt, type TableSpec } from './table';

/** The passages an assistant may hold, and a source (`KNOWLEDGE_MAX_*` in the API). */
const ASSISTANT_PASSAGES = 10_000;
const SOURCE_PASSAGES = 2_000;
/** The embeddings model the fake upstream serves, and the API's setting naming it. */
const EMBEDDINGS_MODEL = 'fake-embeddings';
/**
 * The similarity floor for the fake model's vectors (`EMBEDDINGS_MIN_SIMILARITY`), which is a
 * model's own: a hashed bag of words scores related texts lower than a real model does, and at
 * the API's default of 0.3 lets in passages that share one common word.
 */
const FAKE_MIN_SIMILARITY = '0.4';

export const KNOWLEDGE_ADMIN = {
  email: 'bench-admin@example.com',
  password: 'a bench passphrase long enough',
};
/** The API settings the knowledge scenario needs: an admin to sign in as, a quick worker. */
export const KNOWLEDGE_SERVER_ENV = {
  ADMIN_EMAIL: KNOWLEDGE_ADMIN.email,
  ADMIN_PASSWORD: KNOWLEDGE_ADMIN.password,
  KNOWLEDGE_POLL_MS: '100',
};

export type RetrievalMode = 'full text' | 'hybrid';

export interface KnowledgeRanking {
  mode: RetrievalMode;
  figures?: RankingFigures;
  /** Why the mode was not measured. */
  unavailable?: string;
}

/** Percentiles in milliseconds. */
export interface Timing {
  p50: number;
  p95: number;
}

export interface KnowledgeCost {
  passages: number;
  sources: number;
  megabytes: number;
  /** From the first upload to the last source ready. */
  processingMs: number;
  turns: number;
  /** First event (`start`) and first chunk of a turn, by assistant. */
  withoutKnowledge: { firstEvent: Timing; firstChunk: Timing };
  withKnowledge: { firstEvent: Timing; firstChunk: Timing };
  /** Median over turn pairs of (with − without) first chunk. */
  pairedFirstChunkP50: number;
  /**
   * `POST …/knowledge/search` over the questions, on the large assistant and (the baseline) on
   * the assistant holding only the evaluation documents, in alternation.
   */
  search: Timing;
  searchBaseline: Timing;
  errors: number;
  firstError?: string;
}

export interface KnowledgeResults {
  engine: string;
  questions: number;
  /** Passages of the evaluation documents once split. */
  evalPassages: number;
  ranking: KnowledgeRanking[];
  cost?: KnowledgeCost;
}

export interface KnowledgeScenario {
  engine: string;
  apiMain: string;
  upstream: BenchProcess;
  /** Reply text of the upstream, which every turn must carry. */
  reply: string;
  turns: number;
  /** Starts the API (with {@link KNOWLEDGE_SERVER_ENV} and `env`) on a fresh data folder or database. */
  startApi(env: Record<string, string>): Promise<BenchProcess>;
}

/** A staff admin's calls on assistants and their knowledge. */
class KnowledgeAdmin {
  private readonly staff: StaffClient;

  private constructor(private readonly baseUrl: string) {
    this.staff = new StaffClient(baseUrl);
  }

  static async signIn(port: number): Promise<KnowledgeAdmin> {
    const admin = new KnowledgeAdmin(`http://127.0.0.1:${port}`);
    const response = await admin.staff.login(KNOWLEDGE_ADMIN.email, KNOWLEDGE_ADMIN.password);
    if (response.status !== 200) throw new Error(`sign-in answered ${response.status}`);
    return admin;
  }

  /** A published copy of the default assistant under `id`. */
  async createAssistant(id: string): Promise<void> {
    const list = (await this.json('GET', '/api/admin/assistants')) as {
      id: string;
      is_default: boolean;
    }[];
    const base = list.find((assistant) => assistant.is_default)?.id;
    const profile = await this.staff.call('GET', `/api/admin/assistants/${base}/export.yaml`);
    const created = await fetch(`${this.baseUrl}/api/admin/assistants?id=${id}`, {
      method: 'POST',
      headers: { ...this.staff.credentials(), 'Content-Type': 'application/yaml' },
      body: await profile.text(),
    });
    if (created.status !== 201) throw new Error(`creating ${id}: ${await created.text()}`);
    await this.json('POST', `/api/admin/assistants/${id}/publish`);
  }

  async upload(assistant: string, document: EvalDocument): Promise<void> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(document.bytes)]), document.name);
    const response = await fetch(`${this.baseUrl}${knowledgePath(assistant)}`, {
      method: 'POST',
      headers: this.staff.credentials(),
      body: form,
    });
    if (response.status !== 201)
      throw new Error(`uploading ${document.name}: ${await response.text()}`);
  }

  /** Waits until every source is processed; any failure is an error. */
  async waitReady(assistant: string, timeoutMs: number): Promise<KnowledgeSourceSummary[]> {
    let sources: KnowledgeSourceSummary[] = [];
    await waitFor(
      async () => {
        sources = (await this.json('GET', knowledgePath(assistant))) as KnowledgeSourceSummary[];
        const failed = sources.find((source) => source.status === 'failed');
        if (failed) throw new Error(`${failed.title} failed: ${failed.error}`);
        return sources.every((source) => source.status === 'ready');
      },
      timeoutMs,
      50,
    );
    return sources;
  }

  async search(assistant: string, query: string): Promise<KnowledgeSearchReply> {
    return (await this.json('POST', `${knowledgePath(assistant)}/search`, {
      query,
    })) as KnowledgeSearchReply;
  }

  private async json(method: string, route: string, body?: unknown): Promise<unknown> {
    const response = await this.staff.call(method, route, { body });
    if (!response.ok)
      throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
    return response.json();
  }
}

const knowledgePath = (assistant: string) => `/api/admin/assistants/${assistant}/knowledge`;

/** An assistant holding `documents`, created and processed; its sources once ready. */
async function assistantWith(
  admin: KnowledgeAdmin,
  id: string,
  documents: readonly EvalDocument[],
  timeoutMs: number,
): Promise<{ sources: KnowledgeSourceSummary[]; processingMs: number }> {
  await admin.createAssistant(id);
  const started = performance.now();
  for (const document of documents) await admin.upload(id, document);
  const sources = await admin.waitReady(id, timeoutMs);
  return { sources, processingMs: performance.now() - started };
}

/** Every question through `/knowledge/search`: the contents returned for each, best first. */
async function askAll(admin: KnowledgeAdmin, assistant: string, set: EvalSet): Promise<string[][]> {
  const returned: string[][] = [];
  for (const { question } of set.questions)
    returned.push((await admin.search(assistant, question)).passages.map((p) => p.content));
  return returned;
}

/**
 * Why hybrid search cannot be measured here, if it cannot: the build has no `EMBEDDINGS_MODEL`
 * setting, or the upstream answers no `POST /v1/embeddings`. Undefined when both are there.
 */
async function hybridUnavailable(
  apiMain: string,
  upstreamPort: number,
): Promise<string | undefined> {
  if (!buildMentions(path.dirname(path.resolve(apiMain)), 'EMBEDDINGS_MODEL'))
    return 'not available (no EMBEDDINGS_MODEL support in this build)';
  const response = await fetch(`http://127.0.0.1:${upstreamPort}/v1/embeddings`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer x' },
    body: JSON.stringify({ model: EMBEDDINGS_MODEL, input: ['refunds'] }),
  }).catch(() => undefined);
  const embedding = response?.ok
    ? ((await response.json()) as { data?: { embedding?: number[] }[] }).data?.[0]?.embedding
    : undefined;
  return Array.isArray(embedding)
    ? undefined
    : `not available (the fake upstream has no /v1/embeddings: ${response?.status ?? 'no answer'})`;
}

/** Whether any JavaScript file of the build under `dir` contains `text`. */
function buildMentions(dir: string, text: string): boolean {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).some(
    (file) => file.endsWith('.js') && readFileSync(path.join(dir, file), 'utf8').includes(text),
  );
}

const timing = (values: number[]): Timing => ({
  p50: median(values),
  p95: percentile(values, 95),
});

/**
 * `turns` turns each on the assistant with knowledge and the one without, alternating which
 * goes first, one at a time (latency, not throughput), each a new session asking an
 * evaluation question, after a few warm-up turns.
 */
async function measureTurns(
  server: BenchProcess,
  set: EvalSet,
  reply: string,
  turns: number,
  assistants: { without: string; with: string },
): Promise<
  Pick<
    KnowledgeCost,
    'withoutKnowledge' | 'withKnowledge' | 'pairedFirstChunkP50' | 'errors' | 'firstError'
  >
> {
  const agent = new http.Agent({ keepAlive: true });
  const figures = {
    without: { event: [] as number[], chunk: [] as number[] },
    with: { event: [] as number[], chunk: [] as number[] },
  };
  let errors = 0;
  let firstError: string | undefined;
  const turn = async (which: 'without' | 'with', i: number, record: boolean) => {
    const outcome = await runStream({
      port: server.port,
      agent,
      message: set.questions[i % set.questions.length].question,
      sessionId: `knowledge-${which}-${record ? '' : 'warm-'}${i}`,
      assistantId: assistants[which],
      expectedText: reply,
      timeoutMs: 30_000,
    });
    if (!outcome.ok) {
      errors++;
      firstError ??= outcome.error;
    }
    if (record) {
      figures[which].event.push(outcome.ok ? outcome.firstEventMs : NaN);
      figures[which].chunk.push(outcome.ok ? outcome.firstChunkMs : NaN);
    }
  };
  for (let i = 0; i < 5; i++)
    for (const which of ['without', 'with'] as const) await turn(which, i, false);
  for (let i = 0; i < turns; i++)
    for (const which of i % 2 ? (['with', 'without'] as const) : (['without', 'with'] as const))
      await turn(which, i, true);
  agent.destroy();
  const pairs = figures.with.chunk.map((ms, i) => ms - figures.without.chunk[i]);
  return {
    withoutKnowledge: {
      firstEvent: timing(figures.without.event),
      firstChunk: timing(figures.without.chunk),
    },
    withKnowledge: {
      firstEvent: timing(figures.with.event),
      firstChunk: timing(figures.with.chunk),
    },
    pairedFirstChunkP50: median(pairs),
    errors,
    firstError,
  };
}

/** The scenario on one database engine: ranking by mode, then the cost of 10,000 passages. */
export async function measureKnowledge(scenario: KnowledgeScenario): Promise<KnowledgeResults> {
  const set = loadEvalSet();
  const results: KnowledgeResults = {
    engine: scenario.engine,
    questions: set.questions.length,
    evalPassages: 0,
    ranking: [],
  };
  const server = await scenario.startApi({});
  try {
    const admin = await KnowledgeAdmin.signIn(server.port);
    const evalSources = await assistantWith(admin, 'eval-full-text', set.documents, 60_000);
    results.evalPassages = evalSources.sources.reduce((sum, source) => sum + source.chunks, 0);
    const fullText = rankingFigures(set.questions, await askAll(admin, 'eval-full-text', set));
    results.ranking.push({ mode: 'full text', figures: fullText });
    console.log(
      `knowledge ${scenario.engine} full text: recall@1 ${fullText.recallAt1.toFixed(2)}, recall@4 ${fullText.recallAt4.toFixed(2)}, MRR ${fullText.mrr.toFixed(2)} over ${set.questions.length} questions, ${results.evalPassages} passages`,
    );

    // 10,000 passages: the evaluation documents and synthetic ones filling the rest.
    const synthetic = syntheticDocuments(
      set,
      ASSISTANT_PASSAGES - results.evalPassages,
      SOURCE_PASSAGES,
    );
    const documents = [...set.documents, ...synthetic];
    await admin.createAssistant('cost-none');
    const large = await assistantWith(admin, 'cost-large', documents, 600_000);
    const passages = large.sources.reduce((sum, source) => sum + source.chunks, 0);
    console.log(
      `knowledge ${scenario.engine}: ${passages} passages in ${large.sources.length} sources processed in ${(large.processingMs / 1000).toFixed(1)} s`,
    );
    const search = { large: [] as number[], small: [] as number[] };
    for (const [i, { question }] of set.questions.entries()) {
      for (const which of i % 2 ? (['small', 'large'] as const) : (['large', 'small'] as const)) {
        const started = performance.now();
        await admin.search(which === 'large' ? 'cost-large' : 'eval-full-text', question);
        search[which].push(performance.now() - started);
      }
    }
    const turns = await measureTurns(server, set, scenario.reply, scenario.turns, {
      without: 'cost-none',
      with: 'cost-large',
    });
    results.cost = {
      passages,
      sources: large.sources.length,
      megabytes: documents.reduce((sum, d) => sum + d.bytes.length, 0) / 2 ** 20,
      processingMs: large.processingMs,
      turns: scenario.turns,
      search: timing(search.large),
      searchBaseline: timing(search.small),
      ...turns,
    };
    console.log(
      `knowledge ${scenario.engine} turns: first chunk p50 ${turns.withoutKnowledge.firstChunk.p50.toFixed(2)} ms without knowledge, ${turns.withKnowledge.firstChunk.p50.toFixed(2)} ms with ${passages} passages (paired difference p50 ${turns.pairedFirstChunkP50.toFixed(2)} ms), search alone p50 ${results.cost.search.p50.toFixed(2)} ms (${results.cost.searchBaseline.p50.toFixed(2)} ms on ${results.evalPassages} passages), errors ${turns.errors}`,
    );
  } finally {
    await server.stop();
  }

  const unavailable = await hybridUnavailable(scenario.apiMain, scenario.upstream.port);
  if (unavailable) {
    results.ranking.push({ mode: 'hybrid', unavailable });
  } else {
    let hybridServer: BenchProcess | undefined;
    // The API's calls to the upstream pass through a counter: figures count as hybrid only if
    // the server did ask for embeddings, whatever its settings say.
    const counter = await startRequestCounter(scenario.upstream.port);
    try {
      hybridServer = await scenario.startApi({
        EMBEDDINGS_MODEL,
        EMBEDDINGS_MIN_SIMILARITY: FAKE_MIN_SIMILARITY,
        OPENAI_BASE_URL: `http://127.0.0.1:${counter.port}/v1`,
      });
      const admin = await KnowledgeAdmin.signIn(hybridServer.port);
      await assistantWith(admin, 'eval-hybrid', set.documents, 120_000);
      const returned = await askAll(admin, 'eval-hybrid', set);
      const embedded = counter.count('/v1/embeddings');
      results.ranking.push(
        embedded > 0
          ? { mode: 'hybrid', figures: rankingFigures(set.questions, returned) }
          : {
              mode: 'hybrid',
              unavailable: `not available (the API with EMBEDDINGS_MODEL=${EMBEDDINGS_MODEL} asked for no embeddings)`,
            },
      );
    } catch (error) {
      results.ranking.push({
        mode: 'hybrid',
        unavailable: `not available (the API with EMBEDDINGS_MODEL=${EMBEDDINGS_MODEL} failed: ${(error as Error).message})`,
      });
    } finally {
      await hybridServer?.stop();
      await counter.close();
    }
  }
  const hybrid = results.ranking.find((r) => r.mode === 'hybrid');
  console.log(
    `knowledge ${scenario.engine} hybrid: ${hybrid?.figures ? `recall@1 ${hybrid.figures.recallAt1.toFixed(2)}, recall@4 ${hybrid.figures.recallAt4.toFixed(2)}, MRR ${hybrid.figures.mrr.toFixed(2)}` : hybrid?.unavailable}`,
  );
  return results;
}

/** The report's tables: ranking by mode, and the cost of knowledge to a turn. */
export function knowledgeTables(all: readonly KnowledgeResults[]): TableSpec[] {
  const tables: TableSpec[] = [];
  for (const results of all) {
    const fullText = results.ranking.find((r) => r.mode === 'full text')?.figures;
    tables.push({
      title: `Knowledge: retrieval quality on ${results.engine} (${results.questions} questions, ${results.evalPassages} passages of tools/bench/knowledge-eval)`,
      header: [
        'mode',
        'recall@1',
        'recall@4',
        'MRR',
        'recall@4 ≥ 0.9',
        'missed (not in the top 4)',
      ],
      text: ['mode', 'recall@4 ≥ 0.9', 'missed (not in the top 4)'],
      rows: results.ranking.map(({ mode, figures, unavailable }) =>
        figures
          ? [
              mode,
              fmt(figures.recallAt1, 2),
              fmt(figures.recallAt4, 2),
              fmt(figures.mrr, 2),
              figures.recallAt4 >= 0.9 ? 'yes' : 'NO',
              figures.missed.map((q) => `"${q}"`).join(', ') || '-',
            ]
          : [mode, '-', '-', '-', '-', unavailable ?? '-'],
      ),
      notes: [
        `A question counts as found at rank r when the r-th passage \`/knowledge/search\` returns (the passages a turn gives the model, top 4) contains its expected phrase, which names exactly one passage (knowledge-eval-set.spec.ts). Hybrid (the fake model's deterministic vectors, \`EMBEDDINGS_MIN_SIMILARITY=${FAKE_MIN_SIMILARITY}\`) must be at least as good as full text${fullText ? ` (${fmt(fullText.recallAt4, 2)} recall@4 here)` : ''}.`,
      ],
    });
    const cost = results.cost;
    if (!cost) continue;
    const row = (label: string, t: { firstEvent: Timing; firstChunk: Timing }) => [
      label,
      fmt(t.firstEvent.p50, 2),
      fmt(t.firstEvent.p95, 2),
      fmt(t.firstChunk.p50, 2),
      fmt(t.firstChunk.p95, 2),
    ];
    const added = cost.withKnowledge.firstChunk.p50 - cost.withoutKnowledge.firstChunk.p50;
    tables.push({
      title: `Knowledge: cost to a turn on ${results.engine} (${cost.passages} passages in ${cost.sources} sources, ${cost.turns} turns each, alternating)`,
      header: ['assistant', 'first event p50 ms', 'p95', 'first chunk p50 ms', 'p95'],
      text: ['assistant'],
      rows: [
        row('no knowledge (baseline)', cost.withoutKnowledge),
        row(`${cost.passages} passages`, cost.withKnowledge),
        [
          'difference',
          fmt(cost.withKnowledge.firstEvent.p50 - cost.withoutKnowledge.firstEvent.p50, 2),
          '',
          fmt(added, 2),
          '',
        ],
        [
          `\`/knowledge/search\` alone, ${results.evalPassages} passages (baseline)`,
          '',
          '',
          fmt(cost.searchBaseline.p50, 2),
          fmt(cost.searchBaseline.p95, 2),
        ],
        [
          `\`/knowledge/search\` alone, ${cost.passages} passages`,
          '',
          '',
          fmt(cost.search.p50, 2),
          fmt(cost.search.p95, 2),
        ],
      ],
      notes: [
        `Target: at most 5 ms added to the first chunk p50 (${fmt(added, 2)} ms here, ${added <= 5 ? 'met' : 'NOT met'}; the median of the paired differences turn by turn is ${fmt(cost.pairedFirstChunkP50, 2)} ms). One turn at a time, each a new session asking an evaluation question, through the fake upstream; the search rows are the staff's \`POST …/knowledge/search\` over the same questions, each a request of its own (its whole round trip, in the first-chunk columns). The first event (\`start\`) follows the turn's one statement, which carries retrieval: a difference there is retrieval's, before any token. Errors: ${cost.errors}${cost.firstError ? ` (first: ${cost.firstError})` : ''}.`,
        "The 10,000 passages are the evaluation documents and synthetic sections whose words follow Zipf-like frequencies headed by the evaluation documents' own words, so that a question's words match a large share of them: a demanding case for full text, whose words are joined by OR and every match ranked.",
        `Processing the ${cost.sources} uploads (${fmt(cost.megabytes, 1)} MiB, from the first upload to the last source ready): ${fmt(cost.processingMs / 1000, 1)} s.`,
      ],
    });
  }
  return tables;
}
