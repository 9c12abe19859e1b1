/**
 * What was read from the database in the last `ttlMs`, by key: each key is read at most once per
 * period and instance, and concurrent callers share the read under way. A failed read is not
 * kept. Entries past their time are dropped once more than `maxEntries` are held, so keys asked
 * about once (ids from requests) do not pile up.
 */
export class RecentReads<V> {
  private readonly entries = new Map<string, { readAt: number; value: Promise<V> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1000,
  ) {}

  get(key: string, read: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const held = this.entries.get(key);
    if (held && now - held.readAt < this.ttlMs) return held.value;
    const value = read();
    this.entries.set(key, { readAt: now, value });
    value.catch(() => this.entries.delete(key));
    if (this.entries.size > this.maxEntries) {
      for (const [stale, entry] of this.entries) {
        if (now - entry.readAt >= this.ttlMs) this.entries.delete(stale);
      }
    }
    return value;
  }
}
