import { Test } from '@nestjs/testing';
import { ConfigModule } from '@nestjs/config';
import { ApiError } from '../../common/api-error';
import { chatConfig } from '../../config/chat.config';
import { redisConfig } from '../../config/redis.config';
import type { SessionOwner } from '../../sessions/session-owner';
import { hashSessionToken } from '../../sessions/session-token';
import { GenerationRegistry } from './generation-registry';

async function registry(env: Record<string, string> = {}): Promise<GenerationRegistry> {
  Object.assign(process.env, env);
  try {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forFeature(chatConfig), ConfigModule.forFeature(redisConfig)],
      providers: [GenerationRegistry],
    }).compile();
    return moduleRef.get(GenerationRegistry);
  } finally {
    for (const key of Object.keys(env)) delete process.env[key];
  }
}

const codeOf = async (run: () => unknown) => {
  try {
    await run();
  } catch (error) {
    return error instanceof ApiError ? error.code : 'not an ApiError';
  }
  return 'no error';
};

const NOBODY: SessionOwner = { tokenHash: null, apiKeyId: null };

describe('GenerationRegistry (in process)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs one generation per session at a time', async () => {
    const generations = await registry();
    const first = await generations.start(
      's1',
      { sessionToken: 'token-1' },
      { tokenHash: hashSessionToken('token-1'), apiKeyId: null },
    );
    // Its owner learns it is busy; anyone else learns nothing.
    expect(await codeOf(() => generations.start('s1', { sessionToken: 'token-1' }, NOBODY))).toBe(
      'generation_in_progress',
    );
    expect(await codeOf(() => generations.start('s1', { sessionToken: 'another' }, NOBODY))).toBe(
      'forbidden',
    );
    expect(await codeOf(() => generations.start('s1', { apiKeyId: 'some-key' }, NOBODY))).toBe(
      'forbidden',
    );
    expect(await codeOf(() => generations.start('s1', {}, NOBODY))).toBe('forbidden');
    expect((await generations.start('s2', {}, NOBODY)).sessionId).toBe('s2');
    first.finish();
    const keyed = await generations.start(
      's3',
      { apiKeyId: 'key-1' },
      { tokenHash: null, apiKeyId: 'key-1' },
    );
    expect(keyed.owner.apiKeyId).toBe('key-1');
    expect(await codeOf(() => generations.start('s3', { apiKeyId: 'key-1' }, NOBODY))).toBe(
      'generation_in_progress',
    );
    expect(await codeOf(() => generations.start('s3', { apiKeyId: 'key-2' }, NOBODY))).toBe(
      'forbidden',
    );
    expect(await codeOf(() => generations.start('s3', {}, NOBODY))).toBe('forbidden');
    expect((await generations.start('s1', {}, NOBODY)).streamId).not.toBe(first.streamId);
  });

  it('gives a stream to its owner only, and says not_found for an unknown one', async () => {
    const generations = await registry();
    const generation = await generations.start(
      's',
      { sessionToken: 't' },
      { tokenHash: hashSessionToken('t'), apiKeyId: null },
    );
    expect(await generations.getOwned(generation.streamId, { sessionToken: 't' })).toBe(generation);
    expect(
      await codeOf(() => generations.getOwned(generation.streamId, { sessionToken: 'u' })),
    ).toBe('forbidden');
    expect(
      await codeOf(() =>
        generations.getOwned('00000000-0000-4000-8000-000000000000', { sessionToken: 't' }),
      ),
    ).toBe('not_found');
  });

  it("forgets an erased session's streams, finished or running, and aborts the running one", async () => {
    const generations = await registry();
    const visitor = { sessionToken: 't' };
    const owner: SessionOwner = { tokenHash: hashSessionToken('t'), apiKeyId: null };
    const finished = await generations.start('erased', visitor, owner);
    finished.emit({ type: 'chunk', content: 'Hello Ada' });
    finished.finish();
    const running = await generations.start('erased', visitor, owner);
    const other = await generations.start('kept', visitor, owner);
    await generations.forgetSession('erased');
    for (const generation of [finished, running]) {
      expect(await codeOf(() => generations.getOwned(generation.streamId, visitor))).toBe(
        'not_found',
      );
    }
    expect(running.signal.aborted).toBe(true);
    expect(other.signal.aborted).toBe(false);
    expect(await generations.getOwned(other.streamId, visitor)).toBe(other);
  });

  it('aborts a generation nobody attaches to after the orphan timeout, not before', async () => {
    const generations = await registry({ GENERATION_ORPHAN_TIMEOUT_MS: '1000' });
    const generation = await generations.start('s', {}, NOBODY);
    const client = generation.events$().subscribe();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(generation.signal.aborted).toBe(false);
    client.unsubscribe();
    await jest.advanceTimersByTimeAsync(999);
    expect(generation.signal.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(generation.signal.reason).toBe('orphaned');
  });

  it('keeps finished streams resumable for the retention period, then forgets them', async () => {
    const generations = await registry({ STREAM_RETENTION_MS: '60000' });
    const generation = await generations.start('s', {}, NOBODY);
    generation.finish();
    jest.advanceTimersByTime(59_999);
    expect(generations.get(generation.streamId)).toBe(generation);
    jest.advanceTimersByTime(1);
    expect(await codeOf(() => generations.get(generation.streamId))).toBe('not_found');
  });

  it('drains: refuses new generations, waits for running ones, aborts what is left after the grace', async () => {
    const generations = await registry();
    const quick = await generations.start('quick', {}, NOBODY);
    const slow = await generations.start('slow', {}, NOBODY);
    slow.signal.addEventListener('abort', () => slow.finish());
    const drained = generations.drain(10_000);
    expect(await codeOf(() => generations.start('new', {}, NOBODY))).toBe('internal_error');
    quick.finish();
    expect(slow.signal.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(10_000);
    await drained;
    expect(slow.signal.reason).toBe('shutdown');
    expect(generations.runningCount).toBe(0);
  });
});
