import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { chatConfig } from '../config/chat.config';
import { newChatSession } from './chat-session';
import { InMemorySessionStore } from './in-memory-session.store';
import { SessionStore } from './session-store';

describe('InMemorySessionStore', () => {
  let store: SessionStore;

  beforeEach(async () => {
    jest.useFakeTimers();
    process.env.SESSION_IDLE_TTL_MS = '3600000';
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forFeature(chatConfig)],
      providers: [{ provide: SessionStore, useClass: InMemorySessionStore }],
    }).compile();
    delete process.env.SESSION_IDLE_TTL_MS;
    store = moduleRef.get(SessionStore);
  });
  afterEach(() => jest.useRealTimers());

  it('hands out copies: a change counts only once saved', async () => {
    await store.save(newChatSession('s'));
    const copy = await store.get('s');
    copy?.messages.push({ id: '1', role: 'user', content: 'hi', created_at: '' });
    expect((await store.get('s'))?.messages).toEqual([]);
  });

  it('shares no message or lead object with what it hands out or was given', async () => {
    const session = newChatSession('deep');
    session.messages.push({ id: '1', role: 'user', content: 'hi', created_at: '' });
    session.lead = { name: 'Ada' };
    await store.save(session);
    session.messages[0].content = 'changed after saving';
    session.lead['name'] = 'Bob';
    const copy = await store.get('deep');
    if (copy) {
      copy.messages[0].content = 'changed in a copy';
      copy.lead['name'] = 'Eve';
    }
    const stored = await store.get('deep');
    expect(stored?.messages[0].content).toBe('hi');
    expect(stored?.lead).toEqual({ name: 'Ada' });
  });

  it('forgets sessions idle for longer than the TTL', async () => {
    await store.save(newChatSession('idle'));
    jest.advanceTimersByTime(30 * 60_000);
    await store.save(newChatSession('recent'));
    jest.advanceTimersByTime(40 * 60_000);
    expect(await store.get('idle')).toBeUndefined();
    expect(await store.get('recent')).toBeDefined();
  });
});
