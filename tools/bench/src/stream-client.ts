import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { createChatEventParser } from '@chat/test-support';
import { createParser } from 'eventsource-parser';

/** The header the AI SDK sets on a UI message stream (`UI_MESSAGE_STREAM_HEADERS` in `ai`). */
export const UI_MESSAGE_STREAM_HEADER = 'x-vercel-ai-ui-message-stream';
type UiMessagePart = { type: string; delta?: string };

/**
 * Reads the AI SDK's UI message stream with the SSE parser the chat streams use
 * (eventsource-parser): `data: {json}` parts, then `data: [DONE]` (`onDone`).
 */
function createUiMessageParser(
  onPart: (part: UiMessagePart) => void,
  onDone: () => void,
): { feed(text: string): void } {
  return createParser({
    onEvent: ({ data }) => (data === '[DONE]' ? onDone() : onPart(JSON.parse(data))),
  });
}

/** What one `POST /api/chat/stream` looked like from the client. */
export interface StreamOutcome {
  ok: boolean;
  error?: string;
  events: number;
  firstEventMs: number;
  firstChunkMs: number;
  totalMs: number;
  streamId?: string;
}

export interface StreamOptions {
  port: number;
  agent: http.Agent | false;
  message: string;
  sessionId: string;
  /** The assistant a new session runs (`assistant_id`); the default one when undefined. */
  assistantId?: string;
  /** The reply's text; every stream must carry exactly this. Undefined: do not check (idle, cancel). */
  expectedText?: string;
  timeoutMs: number;
  /** Called for every event, e.g. to cancel after the first chunk. */
  onEvent?: (
    event: { type: string; stream_id?: string; session_token?: string },
    request: http.ClientRequest,
  ) => void;
  /** Resolves the returned `opened` promise on the first event, for the open-connections test. */
  onOpen?: (request: http.ClientRequest) => void;
}

/**
 * Opens one stream and checks it as a strict client would: status 200, `text/event-stream`, ids
 * 1, 2, 3… without gaps, `start` first, `chunk`s whose text is byte-identical to the expected
 * reply, then `done` last.
 */
export function runStream(options: StreamOptions): Promise<StreamOutcome> {
  const body = JSON.stringify({
    message: options.message,
    session_id: options.sessionId,
    assistant_id: options.assistantId,
  });
  const started = performance.now();
  const outcome: StreamOutcome = {
    ok: false,
    events: 0,
    firstEventMs: NaN,
    firstChunkMs: NaN,
    totalMs: NaN,
  };
  return new Promise<StreamOutcome>((resolve) => {
    let settled = false;
    let text = '';
    let lastType = '';
    const settle = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome.totalMs = performance.now() - started;
      outcome.error = error;
      outcome.ok = error === undefined;
      resolve(outcome);
    };
    const request = http.request({
      host: '127.0.0.1',
      port: options.port,
      method: 'POST',
      path: '/api/chat/stream',
      agent: options.agent,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        accept: 'text/event-stream',
      },
    });
    const timer = setTimeout(() => {
      settle(`timeout after ${options.timeoutMs} ms`);
      request.destroy();
    }, options.timeoutMs);
    const chatParser = createChatEventParser(({ id, event }) => {
      const now = performance.now() - started;
      outcome.events++;
      if (outcome.events === 1) {
        outcome.firstEventMs = now;
        options.onOpen?.(request);
      }
      if (id !== outcome.events) return fail(`event ${outcome.events} has id ${id}`);
      if (outcome.events === 1 && event.type !== 'start')
        return fail(`first event is ${event.type}`);
      if (event.type === 'start') outcome.streamId = event.stream_id;
      if (event.type === 'chunk') {
        if (Number.isNaN(outcome.firstChunkMs)) outcome.firstChunkMs = now;
        text += event.content;
      }
      if (event.type === 'error') return fail(`error event: ${JSON.stringify(event)}`);
      lastType = event.type;
      options.onEvent?.(event, request);
    });
    // The AI SDK peer's parts: `start` first, `text-delta`s carrying the reply, `[DONE]` last.
    const uiParser = createUiMessageParser(
      (part) => {
        const now = performance.now() - started;
        outcome.events++;
        if (outcome.events === 1) {
          outcome.firstEventMs = now;
          options.onOpen?.(request);
          if (part.type !== 'start') return fail(`first part is ${part.type}`);
        }
        if (part.type === 'text-delta') {
          if (Number.isNaN(outcome.firstChunkMs)) outcome.firstChunkMs = now;
          text += part.delta;
        }
        if (part.type === 'error') return fail(`error part: ${JSON.stringify(part)}`);
        lastType = part.type;
      },
      () => (lastType = 'done'),
    );
    const fail = (error: string) => {
      settle(error);
      request.destroy();
    };
    request.on('error', (error) => settle(`request: ${error.message}`));
    request.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return fail(`status ${res.statusCode}`);
      }
      if (!String(res.headers['content-type']).startsWith('text/event-stream'))
        return fail('not text/event-stream');
      const parser = res.headers[UI_MESSAGE_STREAM_HEADER] ? uiParser : chatParser;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        try {
          parser.feed(chunk);
        } catch (error) {
          fail((error as Error).message);
        }
      });
      res.on('error', (error) => settle(`response: ${error.message}`));
      res.on('end', () => {
        if (lastType !== 'done') return settle(`ended after ${lastType || 'nothing'}`);
        if (options.expectedText !== undefined && text !== options.expectedText) {
          return settle(
            `text differs (${text.length} of ${options.expectedText.length} characters)`,
          );
        }
        settle();
      });
    });
    request.end(body);
  });
}

export function percentile(values: number[], p: number): number {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  return finite[Math.min(finite.length - 1, Math.max(0, Math.ceil((p / 100) * finite.length) - 1))];
}

export function median(values: number[]): number {
  return percentile(values, 50);
}
