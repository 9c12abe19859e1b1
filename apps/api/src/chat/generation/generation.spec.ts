import { lastValueFrom, toArray } from 'rxjs';
import { Generation, type GenerationLifecycle } from './generation';

function lifecycle(): GenerationLifecycle & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    onAdopted: () => calls.push('adopted'),
    onOrphaned: () => calls.push('orphaned'),
    onFinished: () => calls.push('finished'),
  };
}

describe('Generation', () => {
  it('numbers events from 1 and encodes each once as one-line JSON', () => {
    const generation = new Generation('s', 'session', 'm', lifecycle());
    const seen: string[] = [];
    generation.events$().subscribe((e) => seen.push(`${e.id}:${e.json}`));
    generation.emit({ type: 'chunk', content: 'a\nb' });
    generation.emit({ type: 'chunk', content: 'c' });
    expect(seen).toEqual([
      '1:{"type":"chunk","content":"a\\nb"}',
      '2:{"type":"chunk","content":"c"}',
    ]);
  });

  it('replays what a client missed, then continues live, exactly once and in order', async () => {
    const generation = new Generation('s', 'session', 'm', lifecycle());
    for (const content of ['a', 'b', 'c']) generation.emit({ type: 'chunk', content });
    const resumed = lastValueFrom(generation.events$(1).pipe(toArray()));
    generation.emit({ type: 'chunk', content: 'd' });
    generation.finish();
    expect((await resumed).map((e) => e.id)).toEqual([2, 3, 4]);
  });

  it('completes late subscribers of a finished generation after the replay', async () => {
    const generation = new Generation('s', 'session', 'm', lifecycle());
    generation.emit({ type: 'chunk', content: 'a' });
    generation.finish();
    generation.emit({ type: 'chunk', content: 'ignored' });
    expect((await lastValueFrom(generation.events$(0).pipe(toArray()))).map((e) => e.id)).toEqual([
      1,
    ]);
  });

  it('reports when its last client leaves and when one comes back', () => {
    const hooks = lifecycle();
    const generation = new Generation('s', 'session', 'm', hooks);
    const first = generation.events$().subscribe();
    const second = generation.events$().subscribe();
    first.unsubscribe();
    second.unsubscribe();
    generation.events$().subscribe();
    expect(hooks.calls).toEqual(['adopted', 'orphaned', 'adopted']);
  });

  it('aborts its signal once, and not after it finished', () => {
    const generation = new Generation('s', 'session', 'm', lifecycle());
    generation.abort('cancelled');
    generation.abort('shutdown');
    expect(generation.signal.reason).toBe('cancelled');
    const finished = new Generation('s2', 'session', 'm', lifecycle());
    finished.finish();
    finished.abort('cancelled');
    expect(finished.signal.aborted).toBe(false);
  });
});
