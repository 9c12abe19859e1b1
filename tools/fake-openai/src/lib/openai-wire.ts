import type { FakeReplyScript } from './fake-reply-script';

/**
 * Encodes the bytes OpenAI's chat completions API sends, as strings built by concatenation:
 * the benchmark pushes tens of thousands of streams through here, so nothing is serialised
 * twice and each stream's constant part is built once.
 */

export type Usage = { prompt_tokens: number; completion_tokens: number; total_tokens: number };

export const DONE_FRAME = 'data: [DONE]\n\n';

const encodedTokens = new WeakMap<string[], string[]>();

/** JSON string literals of the tokens, cached per token array. */
export function encodeTokens(tokens: string[]): string[] {
  let encoded = encodedTokens.get(tokens);
  if (!encoded) {
    encoded = tokens.map((token) => JSON.stringify(token));
    encodedTokens.set(tokens, encoded);
  }
  return encoded;
}

/** Builds the `data: {chat.completion.chunk}` frames of one stream. */
export class ChunkEncoder {
  private readonly head: string;
  private readonly tail: string;

  constructor(
    readonly id: string,
    created: number,
    model: string,
    private readonly includeUsage: boolean,
  ) {
    this.head =
      `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},` +
      `"model":${JSON.stringify(model)},"system_fingerprint":"fp_fake","choices":[`;
    // With include_usage, OpenAI sends `"usage":null` on every chunk but the last.
    this.tail = includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  }

  role(): string {
    return `${this.head}{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]${this.tail}`;
  }

  /** `encodedToken` is already a JSON string literal (see `encodeTokens`). */
  token(encodedToken: string): string {
    return `${this.head}{"index":0,"delta":{"content":${encodedToken}},"logprobs":null,"finish_reason":null}]${this.tail}`;
  }

  finish(reason: string): string {
    return `${this.head}{"index":0,"delta":{},"logprobs":null,"finish_reason":"${reason}"}]${this.tail}`;
  }

  /** The usage chunk (`choices: []`) when the request asked for it, then `[DONE]`. */
  end(usage: Usage): string {
    return this.includeUsage ? `${this.head}],"usage":${JSON.stringify(usage)}}\n\n${DONE_FRAME}` : DONE_FRAME;
  }
}

export function completionBody(id: string, created: number, model: string, content: string, finishReason: string, usage: Usage): string {
  return JSON.stringify({
    id,
    object: 'chat.completion',
    created,
    model,
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: finishReason }],
    usage,
  });
}

const ERRORS: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Bad request.' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory', message: 'Forbidden.' },
  404: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests. Please try again later.' },
  500: { type: 'server_error', code: null, message: 'The server had an error while processing your request.' },
  502: { type: 'server_error', code: null, message: 'Bad gateway.' },
  503: { type: 'server_error', code: 'service_unavailable', message: 'The engine is currently overloaded, please try again later.' },
};

/** OpenAI's error shape: `{"error":{"message","type","param","code"}}`. */
export function errorBody(status: number, override?: { message: string; code: string | null }): string {
  const known = ERRORS[status] ?? { type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null, message: `Fake error ${status}.` };
  const { message, code } = override ?? known;
  return JSON.stringify({ error: { message, type: known.type, param: null, code } });
}

export function modelsBody(model: string): string {
  return JSON.stringify({ object: 'list', data: [{ id: model, object: 'model', created: 1_700_000_000, owned_by: 'fake-openai' }] });
}

/** A rough prompt size: about four characters a token, as OpenAI's rule of thumb has it. */
export function estimatePromptTokens(body: { messages?: unknown }): number {
  if (!Array.isArray(body.messages)) return 0;
  let chars = 0;
  for (const message of body.messages) {
    const content = (message as { content?: unknown })?.content;
    chars += typeof content === 'string' ? content.length : JSON.stringify(content ?? '').length;
  }
  return Math.ceil(chars / 4);
}

export function usageOf(script: FakeReplyScript, body: { messages?: unknown }, completionTokens: number): Usage {
  const usage = script.usage ?? { prompt_tokens: estimatePromptTokens(body), completion_tokens: completionTokens };
  return { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
}
