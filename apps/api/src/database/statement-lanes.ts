/** Where a statement waits for the database: before a stream's first token, or after. */
export type StatementLane = 'first' | 'after';

/** How long an `after` statement may be passed over by `first` ones before it goes next. */
export const MAX_AFTER_WAIT_MS = 500;

interface Waiting {
  readonly since: number;
  readonly start: () => void;
}

/**
 * Orders a turn's statements so that a new stream's start does not queue behind other streams'
 * writes. At most `slots` statements are in the database at once (PGlite runs one at a time; a
 * pool has `DATABASE_POOL_SIZE` connections); when one ends, a waiting `first` statement (the
 * one before a stream's first token) goes before any `after` one (the writes once the reply is
 * over). An `after` statement passed over for {@link MAX_AFTER_WAIT_MS} goes next, so that
 * turns keep finishing under a flood of new ones. Without this, the database's own queue is in
 * arrival order, and a start could wait behind every closing write queued before it. Measured in
 * pairs: 3-6% less CPU per stream on PGlite at 50 streams, the first event unchanged there
 * (docs/performance-log.md, issue 17).
 */
export class StatementLanes {
  private running = 0;
  private readonly waiting: Record<StatementLane, Waiting[]> = { first: [], after: [] };

  constructor(
    private readonly slots: number,
    private readonly now: () => number = performance.now.bind(performance),
  ) {}

  /** Runs `statement` when a slot is free and its lane's turn has come. */
  run<T>(lane: StatementLane, statement: () => Promise<T>): Promise<T> {
    if (this.running < this.slots) return this.start(statement);
    return new Promise<T>((resolve, reject) => {
      this.waiting[lane].push({
        since: this.now(),
        start: () => void this.start(statement).then(resolve, reject),
      });
    });
  }

  /** Statements waiting for a slot, by lane. */
  get queued(): Record<StatementLane, number> {
    return { first: this.waiting.first.length, after: this.waiting.after.length };
  }

  private async start<T>(statement: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await statement();
    } finally {
      this.running--;
      this.next()?.start();
    }
  }

  private next(): Waiting | undefined {
    const { first, after } = this.waiting;
    const overdue = after.length > 0 && this.now() - after[0].since >= MAX_AFTER_WAIT_MS;
    return (overdue ? after.shift() : first.shift()) ?? after.shift();
  }
}
