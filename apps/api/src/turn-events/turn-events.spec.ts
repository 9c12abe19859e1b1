import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { TurnEvent } from './turn-event';
import { TurnEvents } from './turn-events';
import { TurnEventsModule } from './turn-events.module';

describe('TurnEvents', () => {
  const started: TurnEvent = {
    type: 'turn_started',
    sessionId: 'session-1',
    streamId: 'stream-1',
    messageId: 'message-1',
    assistantId: 'trading-education',
    startedAt: 0,
    prompt: { id: 'message-0', content: 'Hello', createdAt: '2026-12-07T00:00:00.000Z' },
    preview: false,
  };
  const failed: TurnEvent = {
    type: 'reply_failed',
    sessionId: 'session-1',
    streamId: 'stream-1',
    code: 'upstream_unavailable',
    chunks: 0,
  };
  let events: TurnEvents;
  let logged: jest.SpyInstance;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [TurnEventsModule] }).compile();
    events = moduleRef.get(TurnEvents);
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => logged.mockRestore());

  it('gives a subscriber the events of its type only, in order, as they are published', () => {
    const seen: string[] = [];
    events.on('turn_started', (event) => void seen.push(`started ${event.streamId}`));
    events.on('reply_failed', (event) => void seen.push(`failed ${event.code}`));
    events.publish(started);
    seen.push('published');
    events.publish(failed);
    expect(seen).toEqual(['started stream-1', 'published', 'failed upstream_unavailable']);
  });

  it('logs a subscriber that throws, and the publisher and the other subscribers go on', () => {
    const seen: string[] = [];
    events.on('turn_started', () => {
      throw new Error('boom');
    });
    events.on('turn_started', () => void seen.push('second'));
    expect(() => {
      events.publish(started);
      events.publish(started);
    }).not.toThrow();
    expect(seen).toEqual(['second', 'second']);
    expect(logged).toHaveBeenCalledTimes(2);
    expect(logged.mock.calls[0][1]).toBe('A turn_started subscriber failed');
  });

  it('logs a subscriber whose promise rejects, and keeps calling it', async () => {
    let calls = 0;
    events.on('turn_started', () => {
      calls += 1;
      return Promise.reject(new Error('boom'));
    });
    events.publish(started);
    events.publish(started);
    await new Promise(setImmediate);
    expect(calls).toBe(2);
    expect(logged).toHaveBeenCalledTimes(2);
  });

  it('stops calling a subscriber whose subscription ended', () => {
    let calls = 0;
    const subscription = events.on('turn_started', () => void (calls += 1));
    events.publish(started);
    subscription.unsubscribe();
    events.publish(started);
    expect(calls).toBe(1);
  });
});
