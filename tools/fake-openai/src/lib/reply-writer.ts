import type { ServerResponse } from 'node:http';
import { scriptTokens, type FakeReplyScript } from './fake-reply-script';
import { ChunkEncoder, completionBody, encodeTokens, errorBody, usageOf } from './openai-wire';

/** What a reply needs to know about the request it answers. */
export interface ReplyContext {
  id: string;
  requestId: string;
  created: number;
  model: string;
  body: { messages?: unknown; stream_options?: { include_usage?: boolean } | null };
}

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' };

/** Runs `fn` after `ms`, unless the response closes first (the client went away). */
function later(res: ServerResponse, ms: number | undefined, fn: () => void): void {
  if (!ms || ms <= 0) return fn();
  const timer = setTimeout(() => {
    res.off('close', cancel);
    fn();
  }, ms);
  const cancel = () => clearTimeout(timer);
  res.once('close', cancel);
}

/** Destroys the socket once what was written has reached the kernel, so the client sees the tokens, then the fault. */
function breakAfter(res: ServerResponse, data: string): void {
  if (data) res.write(data, () => res.destroy());
  else res.destroy();
}

export function writeError(
  res: ServerResponse,
  ctx: Pick<ReplyContext, 'requestId'>,
  status: number,
  retryAfterSeconds?: number,
  override?: { message: string; code: string | null },
): void {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': ctx.requestId };
  if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
  res.writeHead(status, headers).end(errorBody(status, override));
}

/** Answers a `stream: true` request with OpenAI's `text/event-stream` of chunks. */
export function writeStream(res: ServerResponse, ctx: ReplyContext, script: FakeReplyScript): void {
  const tokens = scriptTokens(script);
  const encoded = encodeTokens(tokens);
  const cut = script.breakAfterTokens ?? script.stallAfterTokens;
  const count = cut === undefined ? tokens.length : Math.min(cut, tokens.length);
  const encoder = new ChunkEncoder(ctx.id, ctx.created, ctx.model, ctx.body.stream_options?.include_usage === true);

  const ending = (): string =>
    cut !== undefined ? '' : encoder.finish(script.finishReason ?? 'stop') + encoder.end(usageOf(script, ctx.body, tokens.length));
  // A stalled stream writes nothing more and stays open; a broken one loses its socket.
  const finish = (rest: string): void => {
    if (script.breakAfterTokens !== undefined) breakAfter(res, rest);
    else if (script.stallAfterTokens !== undefined) {
      if (rest) res.write(rest);
    } else if (script.endDelayMs) {
      res.write(rest);
      later(res, script.endDelayMs, () => res.end());
    } else res.end(rest);
  };

  later(res, script.firstTokenDelayMs, () => {
    res.writeHead(200, { ...SSE_HEADERS, 'x-request-id': ctx.requestId });
    const delay = script.tokenDelayMs ?? 0;
    if (delay <= 0 && !script.tickPerToken) {
      // The burst: the whole reply in one write.
      let data = encoder.role();
      for (let i = 0; i < count; i++) data += encoder.token(encoded[i]);
      return finish(data + ending());
    }
    res.write(encoder.role());
    let sent = 0;
    let immediate: NodeJS.Immediate | undefined;
    res.once('close', () => clearImmediate(immediate));
    const next = (): void => {
      if (res.destroyed) return;
      if (sent === count) return finish(ending());
      const chunk = encoder.token(encoded[sent++]);
      if (sent === count) return finish(chunk + ending());
      res.write(chunk);
      schedule();
    };
    const schedule = (): void => {
      if (delay > 0) later(res, delay, next);
      else immediate = setImmediate(next);
    };
    if (count === 0) finish(ending());
    else schedule();
  });
}

/** Answers a non-streaming request with one `chat.completion` object, after the script's delays. */
export function writeCompletion(res: ServerResponse, ctx: ReplyContext, script: FakeReplyScript): void {
  const tokens = scriptTokens(script);
  const content = script.json !== undefined ? JSON.stringify(script.json) : tokens.join('');
  const delay = (script.firstTokenDelayMs ?? 0) + (script.tokenDelayMs ?? 0) * tokens.length;
  later(res, delay, () => {
    if (script.breakAfterTokens !== undefined) return void res.destroy();
    if (script.stallAfterTokens !== undefined) return;
    const completionTokens = script.json !== undefined ? Math.ceil(content.length / 4) : tokens.length;
    const body = completionBody(ctx.id, ctx.created, ctx.model, content, script.finishReason ?? 'stop', usageOf(script, ctx.body, completionTokens));
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': ctx.requestId }).end(body);
  });
}
