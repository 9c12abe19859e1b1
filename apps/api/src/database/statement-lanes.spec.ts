import { MAX_AFTER_WAIT_MS, StatementLanes } from './statement-lanes';

/** A statement the test ends by hand, recording when it started. */
function statement(log: string[], name: string) {
  let end!: () => void;
  let fail!: (error: Error) => void;
  const run = () =>
    new Promise<string>((resolve, reject) => {
      log.push(name);
      end = () => resolve(name);
      fail = reject;
    });
  return { run, end: () => end(), fail: (error: Error) => fail(error) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('StatementLanes', () => {
  it('runs at most its slots at once, the rest when slots free', async () => {
    const log: string[] = [];
    const lanes = new StatementLanes(2);
    const [a, b, c] = ['a', 'b', 'c'].map((name) => statement(log, name));
    const results = [
      lanes.run('after', a.run),
      lanes.run('after', b.run),
      lanes.run('after', c.run),
    ];
    expect(log).toEqual(['a', 'b']);
    expect(lanes.queued).toEqual({ first: 0, after: 1 });
    b.end();
    await settle();
    expect(log).toEqual(['a', 'b', 'c']);
    a.end();
    c.end();
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c']);
  });

  it("starts a stream's statement before other turns' closing writes that queued earlier", async () => {
    const log: string[] = [];
    const lanes = new StatementLanes(1);
    const busy = statement(log, 'busy');
    const closing = statement(log, 'closing');
    const begin = statement(log, 'begin');
    void lanes.run('after', busy.run);
    const closed = lanes.run('after', closing.run);
    const begun = lanes.run('first', begin.run);
    busy.end();
    await settle();
    expect(log).toEqual(['busy', 'begin']);
    begin.end();
    await expect(begun).resolves.toBe('begin');
    await settle();
    expect(log).toEqual(['busy', 'begin', 'closing']);
    closing.end();
    await expect(closed).resolves.toBe('closing');
  });

  it(`lets a closing write passed over for ${MAX_AFTER_WAIT_MS} ms go next, so turns keep finishing under a flood of new ones`, async () => {
    const log: string[] = [];
    let now = 0;
    const lanes = new StatementLanes(1, () => now);
    const busy = statement(log, 'busy');
    const closing = statement(log, 'closing');
    const begin = statement(log, 'begin');
    void lanes.run('first', busy.run);
    void lanes.run('after', closing.run);
    void lanes.run('first', begin.run);
    now = MAX_AFTER_WAIT_MS;
    busy.end();
    await settle();
    expect(log).toEqual(['busy', 'closing']);
  });

  it('frees the slot of a statement that fails, and the failure reaches its caller only', async () => {
    const log: string[] = [];
    const lanes = new StatementLanes(1);
    const failing = statement(log, 'failing');
    const next = statement(log, 'next');
    const failed = lanes.run('first', failing.run);
    const later = lanes.run('after', next.run);
    failing.fail(new Error('deadlock detected'));
    await expect(failed).rejects.toThrow('deadlock detected');
    await settle();
    expect(log).toEqual(['failing', 'next']);
    next.end();
    await expect(later).resolves.toBe('next');
  });
});
