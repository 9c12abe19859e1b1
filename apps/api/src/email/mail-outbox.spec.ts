import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outboxFileName, removeFromOutbox } from './mail-outbox';

describe('removeFromOutbox', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'outbox-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("removes the session's messages, written or half-written, and no other session's", () => {
    const at = new Date('2025-01-31T09:15:02.123Z');
    const names = [
      outboxFileName('session-4', at),
      outboxFileName('session-4', new Date('2025-02-01T10:00:00.000Z')),
      `.${outboxFileName('session-4', at)}.0b6f3f5e-3c1a-4d55-9a0e-2f7f3b1c9d11.tmp`,
      outboxFileName('session-42', at),
      outboxFileName('x-session-4', at),
      'notes-session-4.eml',
    ];
    for (const name of names) writeFileSync(join(dir, name), 'message');
    return removeFromOutbox(dir, 'session-4').then((removed) => {
      expect(removed).toBe(3);
      expect(readdirSync(dir).sort()).toEqual(
        [
          outboxFileName('session-42', at),
          outboxFileName('x-session-4', at),
          'notes-session-4.eml',
        ].sort(),
      );
    });
  });

  it('removes nothing, and does not fail, when the outbox folder does not exist yet', async () => {
    expect(await removeFromOutbox(join(dir, 'missing'), 'session-4')).toBe(0);
  });
});
