import { encodeSseFrame } from './sse';
import { isChatEvent, parseChatEvent } from './event-guard';
import { ERROR_CODES, ERROR_HTTP_STATUS, ERROR_RETRYABLE, isErrorCode } from './errors';
import { SESSION_ID_PATTERN } from './requests';

describe('encodeSseFrame', () => {
  it('frames an event as id and one-line JSON data', () => {
    expect(encodeSseFrame(3, { type: 'chunk', content: 'Hi' })).toBe(
      'id: 3\ndata: {"type":"chunk","content":"Hi"}\n\n',
    );
  });

  it('keeps line breaks of the content inside the single data line', () => {
    const frame = encodeSseFrame(1, { type: 'chunk', content: 'a\nb\r\nc' });
    expect(frame.split('\n')).toHaveLength(4);
    expect(parseChatEvent(frame.split('\n')[1].slice('data: '.length))).toEqual({
      type: 'chunk',
      content: 'a\nb\r\nc',
    });
  });
});

describe('isChatEvent', () => {
  it.each([
    {
      type: 'start',
      session_id: 's',
      message_id: 'm',
      stream_id: 'x',
      model: 'demo',
      assistant_id: 'a',
      assistant_version: 1,
    },
    { type: 'chunk', content: '' },
    {
      type: 'done',
      message_id: 'm',
      finish_reason: 'stop',
      data_collected: {},
      is_complete: false,
      missing_fields: [],
    },
    { type: 'error', message: 'boom', code: 'internal_error', retryable: true },
    { type: 'email_sent', message: 'sent' },
  ])('accepts $type', (event) => {
    expect(isChatEvent(event)).toBe(true);
  });

  it.each([
    null,
    'chunk',
    [],
    { type: 'chunk' },
    { type: 'chunk', content: 1 },
    { type: 'start', session_id: 's', message_id: 'm', stream_id: 'x', model: 'demo' },
    { type: 'done', data_collected: [], is_complete: false },
    { type: 'error', message: 'x', code: 'teapot' },
    { type: 'error', message: 'an error without a code', retryable: true },
    { type: 'error', message: 'an error without retryable', code: 'internal_error' },
    {
      type: 'done',
      message_id: 'm',
      finish_reason: 'exploded',
      data_collected: {},
      is_complete: false,
      missing_fields: [],
    },
    {
      type: 'done',
      message_id: 'm',
      finish_reason: 'stop',
      data_collected: { name: 1 },
      is_complete: false,
      missing_fields: [],
    },
    {
      type: 'done',
      message_id: 'm',
      finish_reason: 'stop',
      data_collected: {},
      is_complete: false,
    },
    { type: 'future_event', content: 'x' },
  ])('rejects %p', (value) => {
    expect(isChatEvent(value)).toBe(false);
  });

  it('parses only well-formed known events', () => {
    expect(parseChatEvent('{"type":"chunk","content":"a"}')).toEqual({
      type: 'chunk',
      content: 'a',
    });
    expect(parseChatEvent('{"type":"chunk",')).toBeUndefined();
    expect(parseChatEvent('{"type":"progress"}')).toBeUndefined();
  });
});

describe('error codes', () => {
  it('map every code to its status and retry rule', () => {
    for (const code of ERROR_CODES) {
      expect(ERROR_HTTP_STATUS[code]).toBeGreaterThanOrEqual(400);
      expect(typeof ERROR_RETRYABLE[code]).toBe('boolean');
      expect(isErrorCode(code)).toBe(true);
    }
    expect(ERROR_HTTP_STATUS.payload_too_large).toBe(413);
    expect(ERROR_RETRYABLE.invalid_request).toBe(false);
    expect(isErrorCode('nope')).toBe(false);
  });
});

describe('SESSION_ID_PATTERN', () => {
  it('allows 1-128 of A-Za-z0-9_-', () => {
    expect(SESSION_ID_PATTERN.test('test-123')).toBe(true);
    expect(SESSION_ID_PATTERN.test('a'.repeat(128))).toBe(true);
    expect(SESSION_ID_PATTERN.test('a'.repeat(129))).toBe(false);
    expect(SESSION_ID_PATTERN.test('')).toBe(false);
    expect(SESSION_ID_PATTERN.test('bad id')).toBe(false);
  });
});
