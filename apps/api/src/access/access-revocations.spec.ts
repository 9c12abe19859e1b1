import { Subject } from 'rxjs';
import type { StaffPrincipal } from '../common/principal';
import { AccessRevocations } from './access-revocations';

describe('AccessRevocations.endsWithAccess', () => {
  const DAY = 86_400_000;
  const staff = (expiresInMs: number): StaffPrincipal => ({
    kind: 'staff',
    id: 'u1',
    email: 'agent@example.com',
    role: 'agent',
    sessionToken: 'secret',
    expiresAt: new Date(Date.now() + expiresInMs),
  });

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function follow(principal: StaffPrincipal) {
    const source = new Subject<number>();
    const seen: number[] = [];
    let ended = false;
    source
      .pipe(new AccessRevocations().endsWithAccess<number>(principal))
      .subscribe({ next: (n) => seen.push(n), complete: () => (ended = true) });
    return { source, seen, ended: () => ended };
  }

  it('ends a staff stream when its sign-in expires, even 30 days away (past the longest timer)', () => {
    const stream = follow(staff(30 * DAY));
    stream.source.next(1);
    jest.advanceTimersByTime(25 * DAY);
    stream.source.next(2);
    expect(stream.ended()).toBe(false);
    jest.advanceTimersByTime(5 * DAY + 1000);
    stream.source.next(3);
    expect(stream.ended()).toBe(true);
    expect(stream.seen).toEqual([1, 2]);
  });

  it('ends it at once when the sign-in has already expired', () => {
    const stream = follow(staff(-1));
    jest.advanceTimersByTime(0);
    stream.source.next(1);
    expect(stream.ended()).toBe(true);
    expect(stream.seen).toEqual([]);
  });
});
