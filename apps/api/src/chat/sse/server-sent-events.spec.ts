import type { MessageEvent } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { StreamEvent } from '../generation/stream-resume-buffer';
import { toServerSentEvents } from './server-sent-events';

describe('toServerSentEvents', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('frames events with their ids and pings every open stream each period until it closes', () => {
    const events = new Subject<StreamEvent>();
    const first: MessageEvent[] = [];
    const second: MessageEvent[] = [];
    const a = toServerSentEvents(events, 1000).subscribe((m) => first.push(m));
    const b = toServerSentEvents(events, 1000).subscribe((m) => second.push(m));
    events.next({ id: 1, json: '{"type":"start"}' });
    jest.advanceTimersByTime(1000);
    a.unsubscribe();
    jest.advanceTimersByTime(2000);
    b.unsubscribe();
    expect(first).toEqual([{ id: '1', data: '{"type":"start"}' }, { comment: 'ping' }]);
    expect(second).toEqual([
      { id: '1', data: '{"type":"start"}' },
      { comment: 'ping' },
      { comment: 'ping' },
      { comment: 'ping' },
    ]);
    // Nothing keeps ticking once no stream is open.
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops pinging a stream that completed', () => {
    const events = new Subject<StreamEvent>();
    const seen: MessageEvent[] = [];
    let completed = false;
    toServerSentEvents(events, 500).subscribe({ next: (m) => seen.push(m), complete: () => (completed = true) });
    events.complete();
    jest.advanceTimersByTime(2000);
    expect(completed).toBe(true);
    expect(seen).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });
});
