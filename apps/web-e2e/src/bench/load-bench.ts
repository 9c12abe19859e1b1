/**
 * First-visit benchmark of the portal on a throttled phone: Chromium at 390x844, slow 4G
 * (1.6 Mbps down, 750 kbps up, 150 ms round trip) and a CPU four times slower, an empty cache,
 * the built portal from the built API. Prints the median first and largest contentful paint,
 * layout shift and the bytes sent, as served (brotli) and, in the same run, with compression
 * refused by the browser, as the portal was served before. Asserts nothing.
 * Run with `npm run bench:web` (before the rendering benchmark).
 * Options (env): BENCH_LOAD_RUNS (5).
 */
import { ScratchDirs, stopProcess } from '@chat/test-support';
import type { Browser } from 'playwright-core';
import { launchBrowser, PHONE } from '../support/browser';
import { startApi } from '../support/built-api';

const RUNS = Number(process.env['BENCH_LOAD_RUNS'] ?? 5);
/** Lighthouse's "slow 4G" mobile profile. */
const SLOW_4G = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1024 * 1024) / 8,
  uploadThroughput: (750 * 1024) / 8,
};
const CPU_SLOWDOWN = 4;

interface Visit {
  fcp: number;
  lcp: number;
  cls: number;
  /** Bytes on the wire: all, and the scripts the first paint of the page waits for. */
  bytes: number;
  scriptBytes: number;
}

async function visit(browser: Browser, url: string, compressed: boolean): Promise<Visit> {
  const context = await browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  // The browser asks for no content encoding, so everything comes as it is (the bytes below show it).
  if (!compressed)
    await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
  const urls = new Map<string, string>();
  let bytes = 0;
  let scriptBytes = 0;
  cdp.on('Network.responseReceived', (event) => urls.set(event.requestId, event.response.url));
  cdp.on('Network.loadingFinished', (event) => {
    bytes += event.encodedDataLength;
    const path = new URL(urls.get(event.requestId) ?? 'about:blank').pathname;
    if (path.endsWith('.js') && !path.includes('highlight')) scriptBytes += event.encodedDataLength;
  });
  try {
    await page.goto(url);
    await page.locator('.greeting').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(1000);
    const paints = await page.evaluate(
      () =>
        new Promise<{ fcp: number; lcp: number; cls: number }>((resolve) => {
          const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN;
          let cls = 0;
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries() as (PerformanceEntry & {
              value: number;
              hadRecentInput: boolean;
            })[]) {
              if (!entry.hadRecentInput) cls += entry.value;
            }
          }).observe({ type: 'layout-shift', buffered: true });
          new PerformanceObserver((list) => {
            const last = list.getEntries().at(-1);
            setTimeout(() => resolve({ fcp, lcp: last?.startTime ?? NaN, cls }), 50);
          }).observe({ type: 'largest-contentful-paint', buffered: true });
        }),
    );
    return { ...paints, bytes, scriptBytes };
  } finally {
    await context.close();
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const scratch = new ScratchDirs();
  const api = await startApi({ DEMO_MODEL_WORD_DELAY_MS: '15' }, scratch);
  const browser = await launchBrowser();
  try {
    const runs: Record<'served' | 'uncompressed', Visit[]> = { served: [], uncompressed: [] };
    // Alternated, so that a busy moment of the machine weighs on both alike.
    for (let i = 0; i < RUNS; i++) {
      runs.served.push(await visit(browser, `${api.url}/`, true));
      runs.uncompressed.push(await visit(browser, `${api.url}/`, false));
    }
    const summary = (list: Visit[]) => ({
      fcp: median(list.map((v) => v.fcp)),
      lcp: median(list.map((v) => v.lcp)),
      cls: median(list.map((v) => v.cls)),
      bytes: median(list.map((v) => v.bytes)),
      scriptBytes: median(list.map((v) => v.scriptBytes)),
    });
    const served = summary(runs.served);
    const plain = summary(runs.uncompressed);
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    const kb = (b: number) => `${(b / 1024).toFixed(1)} kB`;
    const ratio = (a: number, b: number) => `x${(a / b).toFixed(2)}`;
    console.log(
      `\nPortal first visit: phone ${PHONE.width}x${PHONE.height}, slow 4G (1.6 Mbps, 150 ms RTT), CPU x${CPU_SLOWDOWN}, empty cache, median of ${RUNS}`,
    );
    console.log(
      '                                  served (br)   uncompressed   served / uncompressed',
    );
    const row = (label: string, a: string, b: string, r: string) =>
      console.log(`  ${label.padEnd(32)}${a.padStart(11)}${b.padStart(15)}${r.padStart(14)}`);
    row('first contentful paint', s(served.fcp), s(plain.fcp), ratio(served.fcp, plain.fcp));
    row('largest contentful paint', s(served.lcp), s(plain.lcp), ratio(served.lcp, plain.lcp));
    row('cumulative layout shift', served.cls.toFixed(3), plain.cls.toFixed(3), '');
    row(
      'initial scripts on the wire',
      kb(served.scriptBytes),
      kb(plain.scriptBytes),
      ratio(served.scriptBytes, plain.scriptBytes),
    );
    row(
      'all bytes on the wire',
      kb(served.bytes),
      kb(plain.bytes),
      ratio(served.bytes, plain.bytes),
    );
  } finally {
    await browser.close();
    await stopProcess(api.child);
    scratch.removeAll();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
