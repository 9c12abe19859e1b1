import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const safeSessionId = (sessionId: string) => sessionId.replace(/[^A-Za-z0-9_-]/g, '_');

/** `2025-01-31T09-15-02-123Z-<session>.eml`: sortable, and safe as a file name on any system. */
export function outboxFileName(sessionId: string, now = new Date()): string {
  return `${now.toISOString().replace(/[:.]/g, '-')}-${safeSessionId(sessionId)}.eml`;
}

/**
 * Deletes the session's messages from the outbox folder, written or still being written (their
 * temporary files); answers how many. Session ids are of `A-Za-z0-9_-` only, so a file name
 * names one session.
 */
export async function removeFromOutbox(dir: string, sessionId: string): Promise<number> {
  const message = `\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d-\\d{3}Z-${safeSessionId(sessionId)}\\.eml`;
  const theirs = new RegExp(`^(?:${message}|\\.${message}\\.[0-9a-f-]{36}\\.tmp)$`);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  const removed = names.filter((name) => theirs.test(name));
  await Promise.all(removed.map((name) => rm(join(dir, name), { force: true })));
  return removed.length;
}

/**
 * Writes a raw message into the outbox folder (created if missing). The file appears complete
 * or not at all: it is written under a temporary name, then renamed, so a reader polling the
 * folder never sees half a message.
 */
export async function writeToOutbox(dir: string, fileName: string, raw: Buffer): Promise<void> {
  await mkdir(dir, { recursive: true });
  const temporary = join(dir, `.${fileName}.${randomUUID()}.tmp`);
  try {
    await writeFile(temporary, raw, { flag: 'wx' });
    await rename(temporary, join(dir, fileName));
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
}
