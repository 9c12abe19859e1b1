/**
 * Rendering benchmark of the portal: a 20,000-token markdown reply streamed at 200 chunks/s from
 * the fake OpenAI server through the built API into headless Chromium. Prints figures, asserts
 * nothing. Run with `npx nx run web:bench` (or `npm run bench:web`).
 * Options (env): BENCH_TOKENS (20000), BENCH_CHUNKS_PER_SECOND (200), BENCH_TRACE (a path: writes a
 * Chromium trace of the page with the Performance panel's categories, to find what the long tasks are).
 */
import { startFakeOpenAi } from '@chat/fake-openai';
import { ScratchDirs, stopProcess } from '@chat/test-support';
import { launchBrowser } from '../support/browser';
import { startApi } from '../support/built-api';
import { benchTokens } from './bench-reply';

const TOKENS = Number(process.env['BENCH_TOKENS'] ?? 20_000);
const RATE = Number(process.env['BENCH_CHUNKS_PER_SECOND'] ?? 200);
const TRACE = process.env['BENCH_TRACE'];
const WINDOW = 1000;

interface Sample {
  chunks: number;
  scriptMs: number;
  taskMs: number;
}

/** Runs in the page: counts chunks as they arrive, long tasks and frame gaps. */
function instrumentPage(): void {
  const bench = { chunks: 0, sentAt: 0, doneAt: 0, longTasks: [] as { start: number; duration: number }[], frameGaps: [] as number[] };
  (window as unknown as { __bench: typeof bench }).__bench = bench;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  let last = 0;
  const frame = (now: number) => {
    if (last) bench.frameGaps.push(now - last);
    last = now;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  // Counts the stream's chunk events on a tee of the body, beside the portal's own reader.
  const originalFetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const response = await originalFetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.includes('/api/chat/stream') || !response.body) return response;
    bench.sentAt = bench.sentAt || performance.now();
    const [forPortal, forCount] = response.body.tee();
    void (async () => {
      const reader = forCount.pipeThrough(new TextDecoderStream()).getReader();
      let carry = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const text = carry + value;
        let index = text.indexOf('"type":"chunk"');
        while (index !== -1) {
          bench.chunks++;
          index = text.indexOf('"type":"chunk"', index + 1);
        }
        if (text.includes('"type":"done"')) bench.doneAt = performance.now();
        carry = text.slice(-20);
        if (carry.includes('"type":"chunk"')) carry = '';
      }
    })();
    return new Response(forPortal, response);
  };
}

/** Linear interpolation of a metric at a chunk count. */
function at(samples: Sample[], chunks: number, key: 'scriptMs' | 'taskMs'): number {
  const after = samples.findIndex((s) => s.chunks >= chunks);
  if (after <= 0) return samples[Math.max(after, 0)][key];
  const a = samples[after - 1];
  const b = samples[after];
  const t = b.chunks === a.chunks ? 0 : (chunks - a.chunks) / (b.chunks - a.chunks);
  return a[key] + t * (b[key] - a[key]);
}

async function main(): Promise<void> {
  const tokens = benchTokens(TOKENS);
  const fake = await startFakeOpenAi({ host: '127.0.0.1' });
  fake.setDefault((body) => (body.stream ? { tokens, tokenDelayMs: 1000 / RATE } : { json: {} }));
  const scratch = new ScratchDirs();
  const api = await startApi({ OPENAI_API_KEY: 'bench', OPENAI_BASE_URL: fake.url, OPENAI_MAX_ATTEMPTS: '1' }, scratch);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(instrumentPage);
    if (TRACE) {
      await browser.startTracing(page, {
        path: TRACE,
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'disabled-by-default-v8.cpu_profiler'],
      });
    }
    await page.goto(`${api.url}/`);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const samples: Sample[] = [];
    const sample = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const value = (name: string) => (metrics.find((m) => m.name === name)?.value ?? 0) * 1000;
      const chunks = await page.evaluate(() => (window as unknown as { __bench: { chunks: number } }).__bench.chunks);
      samples.push({ chunks, scriptMs: value('ScriptDuration'), taskMs: value('TaskDuration') });
      return chunks;
    };

    const input = page.getByRole('textbox', { name: 'Your message' });
    await input.fill('Give me a very long lesson about trading.');
    const started = Date.now();
    await input.press('Enter');
    await sample();
    while ((await sample()) < tokens.length) {
      if (Date.now() - started > 10 * 60_000) throw new Error('the stream did not finish in 10 minutes');
      await page.waitForTimeout(150);
    }
    await page.locator('chat-finished-message .assistant').last().waitFor({ timeout: 60_000 });
    await page.waitForTimeout(500);
    await sample();
    if (TRACE) await browser.stopTracing();

    const result = await page.evaluate(() => (window as unknown as { __bench: { sentAt: number; doneAt: number; longTasks: { start: number; duration: number }[]; frameGaps: number[] } }).__bench);
    const frameMs = 1000 / 60;
    const dropped = result.frameGaps.reduce((sum, gap) => sum + Math.max(0, Math.round(gap / frameMs) - 1), 0);
    const beforeSend = result.longTasks.filter((t) => t.start < result.sentAt);
    const streaming = result.longTasks.filter((t) => t.start >= result.sentAt && (!result.doneAt || t.start < result.doneAt));
    const afterDone = result.longTasks.filter((t) => result.doneAt && t.start >= result.doneAt);
    const longest = (list: { duration: number }[]) => Math.max(0, ...list.map((t) => t.duration));
    const perChunk = (from: number, to: number, key: 'scriptMs' | 'taskMs') =>
      (at(samples, to, key) - at(samples, from, key)) / (to - from);
    const n = tokens.length;
    const firstScript = perChunk(0, WINDOW, 'scriptMs');
    const lastScript = perChunk(n - WINDOW, n, 'scriptMs');
    const firstTask = perChunk(0, WINDOW, 'taskMs');
    const lastTask = perChunk(n - WINDOW, n, 'taskMs');
    const seconds = (Date.now() - started) / 1000;
    const fmt = (x: number) => x.toFixed(3);

    console.log(`\nPortal rendering benchmark: ${n} chunks at ${RATE} chunks/s, ${seconds.toFixed(1)} s, Chromium headless 1280x800`);
    console.log(`  achieved rate ............................ ${(n / ((result.doneAt - result.sentAt) / 1000)).toFixed(0)} chunks/s`);
    console.log(`  longest task loading the page (before send)  ${longest(beforeSend).toFixed(1)} ms`);
    console.log(`  longest main-thread task while streaming ... ${longest(streaming).toFixed(1)} ms`);
    console.log(`  tasks over 50 ms while streaming .......... ${streaming.length}`);
    console.log(`  longest task finalising the reply ......... ${longest(afterDone).toFixed(1)} ms (${afterDone.length} over 50 ms)`);
    console.log(`  frames ................................... ${result.frameGaps.length} drawn, ${dropped} dropped (gaps over 16.7 ms)`);
    console.log(`  script time per chunk, first ${WINDOW} ........ ${fmt(firstScript)} ms`);
    console.log(`  script time per chunk, last ${WINDOW} ......... ${fmt(lastScript)} ms (x${(lastScript / firstScript).toFixed(2)})`);
    console.log(`  main-thread task time per chunk, first/last  ${fmt(firstTask)} / ${fmt(lastTask)} ms (x${(lastTask / firstTask).toFixed(2)})`);
    console.log(`  (targets: no task over 50 ms; last/first per-chunk time within 1.5x)`);
  } finally {
    await browser.close();
    await stopProcess(api.child);
    scratch.removeAll();
    await fake.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
