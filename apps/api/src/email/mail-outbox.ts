import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `2025-01-31T09-15-02-123Z-<session>.eml`: sortable, and safe as a file name on any system. */
export function outboxFileName(sessionId: string, now = new Date()): string {
  return `${now.toISOString().replace(/[:.]/g, '-')}-${sessionId.replace(/[^A-Za-z0-9_-]/g, '_')}.eml`;
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
