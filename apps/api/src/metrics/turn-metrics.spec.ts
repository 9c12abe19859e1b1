import { Test } from '@nestjs/testing';
import { TurnEvents } from '../turn-events/turn-events';
import { TurnEventsModule } from '../turn-events/turn-events.module';
import { ApiMetrics } from './api-metrics';
import { TurnMetrics } from './turn-metrics';

describe('TurnMetrics', () => {
  const turn = { sessionId: 'session-1', streamId: 'stream-1', messageId: 'message-1' };
  const asked = {
    prompt: { id: 'message-0', content: 'Hello', createdAt: '2026-12-07T00:00:00.000Z' },
    preview: false,
  };
  const meter = { firstToken: jest.fn(), finished: jest.fn(), failed: jest.fn() };
  const metrics = { turnStarted: jest.fn(() => meter), leadCompleted: jest.fn() };
  let events: TurnEvents;

  beforeEach(async () => {
    jest.clearAllMocks();
    const moduleRef = await Test.createTestingModule({
      imports: [TurnEventsModule],
      providers: [TurnMetrics, { provide: ApiMetrics, useValue: metrics }],
    }).compile();
    await moduleRef.init();
    events = moduleRef.get(TurnEvents);
  });

  it('meters a turn from its start to its end, and only its first end', () => {
    events.publish({
      type: 'turn_started',
      ...turn,
      ...asked,
      assistantId: 'trading-education',
      startedAt: 12,
    });
    events.publish({ type: 'first_token', streamId: turn.streamId });
    const usage = { prompt_tokens: 3, completion_tokens: 4 };
    events.publish({ type: 'reply_completed', ...turn, finishReason: 'stop', chunks: 5, usage });
    events.publish({ type: 'reply_failed', ...turn, code: 'internal_error', chunks: 5 });
    expect(metrics.turnStarted).toHaveBeenCalledWith('trading-education', 12);
    expect(meter.firstToken).toHaveBeenCalledTimes(1);
    expect(meter.finished).toHaveBeenCalledWith('stop', 5, usage);
    expect(meter.failed).not.toHaveBeenCalled();
  });

  it('records a cancelled reply as finished by cancellation, a failed one by its code', () => {
    events.publish({
      type: 'turn_started',
      ...turn,
      ...asked,
      assistantId: 'trading-education',
      startedAt: 0,
    });
    events.publish({ type: 'reply_cancelled', ...turn, chunks: 2 });
    events.publish({
      type: 'turn_started',
      ...turn,
      ...asked,
      streamId: 'stream-2',
      assistantId: 'second',
      startedAt: 0,
    });
    events.publish({
      type: 'reply_failed',
      ...turn,
      streamId: 'stream-2',
      code: 'upstream_timeout',
      chunks: 0,
    });
    // Each turn's meter is its own assistant's.
    expect(metrics.turnStarted.mock.calls).toEqual([
      ['trading-education', 0],
      ['second', 0],
    ]);
    expect(meter.finished).toHaveBeenCalledWith('cancelled', 2, undefined);
    expect(meter.failed).toHaveBeenCalledWith('upstream_timeout', 0);
  });

  it('counts a completed lead under its assistant with the notifications it queued', () => {
    const notifications = [{ id: 'n-1', channel: 'email' as const }];
    const lead = { data_collected: {}, is_complete: true, missing_fields: [] };
    for (const assistantId of ['trading-education', 'second']) {
      events.publish({
        type: 'lead_completed',
        ...turn,
        assistantId,
        leadId: `lead-${assistantId}`,
        lead,
        notifications,
      });
    }
    expect(metrics.leadCompleted.mock.calls).toEqual([
      ['trading-education', notifications],
      ['second', notifications],
    ]);
  });
});
