import { RecentReads } from './recent-reads';

describe('RecentReads', () => {
  let now = 0;
  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  it('reads a key once per period, shares the read under way, and reads again after it', async () => {
    const reads = new RecentReads<number>(1000);
    let count = 0;
    const read = () => Promise.resolve(++count);
    const [a, b] = await Promise.all([reads.get('k', read), reads.get('k', read)]);
    expect([a, b, count]).toEqual([1, 1, 1]);
    now += 999;
    expect(await reads.get('k', read)).toBe(1);
    now += 1;
    expect(await reads.get('k', read)).toBe(2);
  });

  it('does not keep a failed read', async () => {
    const reads = new RecentReads<string>(1000);
    await expect(reads.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await reads.get('k', () => Promise.resolve('up'))).toBe('up');
  });

  it('drops entries past their time once more than its bound are held', async () => {
    const reads = new RecentReads<number>(1000, 2);
    let count = 0;
    const read = () => Promise.resolve(++count);
    await reads.get('a', read);
    now += 1000;
    await reads.get('b', read);
    await reads.get('c', read);
    // 'a' was stale and went; 'b' and 'c' are still fresh.
    expect(await reads.get('b', read)).toBe(2);
    expect((reads as unknown as { entries: Map<string, unknown> }).entries.has('a')).toBe(false);
  });
});
