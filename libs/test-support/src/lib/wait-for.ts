import http from 'node:http';

interface PollOptions {
  timeoutMs: number;
  intervalMs: number;
  /** Gives up at once when aborted (e.g. the server being waited for has exited). */
  signal?: AbortSignal;
}

/** Checks until `check` holds; false when the time runs out or `signal` aborts first. */
async function poll(check: () => boolean | Promise<boolean>, options: PollOptions): Promise<boolean> {
  const start = Date.now();
  for (;;) {
    if (await check()) return true;
    if (options.signal?.aborted || Date.now() - start > options.timeoutMs) return false;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}

/** Resolves once `condition` holds (checked every 10 ms, or `intervalMs`). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  intervalMs = 10,
): Promise<void> {
  if (!(await poll(condition, { timeoutMs, intervalMs }))) throw new Error('condition not met in time');
}

/** Whether `GET url` answers 200 within a second, on a connection of its own (no keep-alive left behind). */
function answers200(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.setTimeout(1000, () => request.destroy());
  });
}

/** Polls `GET url` (plain HTTP) until it answers 200. */
export async function waitForHttp(
  url: string,
  { timeoutMs = 30_000, intervalMs = 100, signal }: Partial<PollOptions> = {},
): Promise<void> {
  if (!(await poll(() => answers200(url), { timeoutMs, intervalMs, signal }))) {
    throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
  }
}
