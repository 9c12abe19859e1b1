import type { ChatEvent } from '@chat/contracts';
import { StreamResumeBuffer } from './stream-resume-buffer';

const EVENTS: ChatEvent[] = [
  {
    type: 'start',
    session_id: 's',
    message_id: 'm',
    stream_id: 'x',
    model: 'demo',
    assistant_id: 'a',
    assistant_version: 1,
  },
  { type: 'chunk', content: 'Momentum ' },
  { type: 'chunk', content: '"quoted"\nline\ttab\\ café 😀 \u2028' },
  { type: 'chunk', content: '' },
  { type: 'chunk', content: ' end' },
  {
    type: 'done',
    message_id: 'm',
    finish_reason: 'stop',
    data_collected: { name: 'Ada' },
    is_complete: false,
    missing_fields: ['email'],
  },
  { type: 'email_sent', message: 'sent' },
];

function filled(): StreamResumeBuffer {
  const buffer = new StreamResumeBuffer();
  for (const event of EVENTS) buffer.append(event);
  return buffer;
}

function all(buffer: StreamResumeBuffer): string[] {
  return Array.from({ length: buffer.length }, (_, i) => buffer.at(i + 1).json);
}

describe('StreamResumeBuffer', () => {
  it('numbers events from 1 and answers each as one-line JSON of the event', () => {
    const buffer = new StreamResumeBuffer();
    const sent = EVENTS.map((event) => buffer.append(event));
    expect(sent.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sent.map((e) => JSON.parse(e.json))).toEqual(EVENTS);
    expect(sent.every((e) => !e.json.includes('\n'))).toBe(true);
  });

  it('replays the same bytes before and after it is sealed', () => {
    const buffer = new StreamResumeBuffer();
    const sent = EVENTS.map((event) => buffer.append(event).json);
    expect(all(buffer)).toEqual(sent);
    buffer.seal();
    expect(buffer.isSealed).toBe(true);
    expect(buffer.length).toBe(EVENTS.length);
    expect(all(buffer)).toEqual(sent);
    expect(buffer.at(3)).toEqual({ id: 3, json: sent[2] });
  });

  it('answers the chunks joined, the same before and after sealing', () => {
    const buffer = filled();
    const expected = EVENTS.flatMap((e) => (e.type === 'chunk' ? [e.content] : [])).join('');
    const open = buffer.text;
    expect(open).toBe(expected);
    buffer.seal();
    expect(buffer.text).toBe(open);
  });

  it('seals a stream with no chunks, or no events at all', () => {
    const empty = new StreamResumeBuffer();
    empty.seal();
    expect(empty.length).toBe(0);
    const noChunks = new StreamResumeBuffer();
    noChunks.append(EVENTS[0]);
    noChunks.append({
      type: 'error',
      code: 'upstream_unavailable',
      message: 'The model failed.',
      retryable: true,
    });
    const sent = all(noChunks);
    noChunks.seal();
    expect(all(noChunks)).toEqual(sent);
  });

  it('takes no event once sealed, and sealing twice changes nothing', () => {
    const buffer = filled();
    buffer.seal();
    const sealed = all(buffer);
    buffer.seal();
    expect(all(buffer)).toEqual(sealed);
    expect(() => buffer.append({ type: 'chunk', content: 'late' })).toThrow();
  });
});
