import { Test } from '@nestjs/testing';
import { ConfigModule } from '@nestjs/config';
import { ApiError } from '../../common/api-error';
import { chatConfig } from '../../config/chat.config';
import { hashSessionToken } from '../../sessions/session-token';
import { GenerationRegistry } from './generation-registry';

async function registry(env: Record<string, string> = {}): Promise<GenerationRegistry> {
  Object.assign(process.env, env);
  try {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forFeature(chatConfig)],
      providers: [GenerationRegistry],
    }).compile();
    return moduleRef.get(GenerationRegistry);
  } finally {
    for (const key of Object.keys(env)) delete process.env[key];
  }
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof ApiError ? error.code : 'not an ApiError';
  }
  return 'no error';
};

describe('GenerationRegistry', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs one generation per session at a time', async () => {
    const generations = await registry();
    const first = generations.start('s1', { sessionToken: 'token-1' });
    first.owner = { tokenHash: hashSessionToken('token-1'), apiKeyId: null };
    // Its owner learns it is busy; anyone else learns nothing.
    expect(codeOf(() => generations.start('s1', { sessionToken: 'token-1' }))).toBe('generation_in_progress');
    expect(codeOf(() => generations.start('s1', { sessionToken: 'another' }))).toBe('forbidden');
    expect(codeOf(() => generations.start('s1', { apiKeyId: 'some-key' }))).toBe('forbidden');
    expect(codeOf(() => generations.start('s1', {}))).toBe('forbidden');
    expect(generations.start('s2', {}).sessionId).toBe('s2');
    first.finish();
    const keyed = generations.start('s3', { apiKeyId: 'key-1' });
    keyed.owner = { tokenHash: null, apiKeyId: 'key-1' };
    expect(codeOf(() => generations.start('s3', { apiKeyId: 'key-1' }))).toBe('generation_in_progress');
    expect(codeOf(() => generations.start('s3', { apiKeyId: 'key-2' }))).toBe('forbidden');
    expect(codeOf(() => generations.start('s3', {}))).toBe('forbidden');
    expect(generations.start('s1', {}).streamId).not.toBe(first.streamId);
  });

  it('aborts a generation nobody attaches to after the orphan timeout, not before', async () => {
    const generations = await registry({ GENERATION_ORPHAN_TIMEOUT_MS: '1000' });
    const generation = generations.start('s', {});
    const client = generation.events$().subscribe();
    jest.advanceTimersByTime(5_000);
    expect(generation.signal.aborted).toBe(false);
    client.unsubscribe();
    jest.advanceTimersByTime(999);
    expect(generation.signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(generation.signal.reason).toBe('orphaned');
  });

  it('keeps finished streams resumable for the retention period, then forgets them', async () => {
    const generations = await registry({ STREAM_RETENTION_MS: '60000' });
    const generation = generations.start('s', {});
    generation.finish();
    jest.advanceTimersByTime(59_999);
    expect(generations.get(generation.streamId)).toBe(generation);
    jest.advanceTimersByTime(1);
    expect(codeOf(() => generations.get(generation.streamId))).toBe('not_found');
  });

  it('drains: refuses new generations, waits for running ones, aborts what is left after the grace', async () => {
    const generations = await registry();
    const quick = generations.start('quick', {});
    const slow = generations.start('slow', {});
    slow.signal.addEventListener('abort', () => slow.finish());
    const drained = generations.drain(10_000);
    expect(codeOf(() => generations.start('new', {}))).toBe('internal_error');
    quick.finish();
    expect(slow.signal.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(10_000);
    await drained;
    expect(slow.signal.reason).toBe('shutdown');
    expect(generations.runningCount).toBe(0);
  });
});
