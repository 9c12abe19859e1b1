/** What one request to `/v1/chat/completions` gets. */
export interface FakeReplyScript {
  /** Content deltas, in order (default: the words of `text`). */
  tokens?: string[];
  /** Convenience: split into word tokens, keeping the spaces, so the tokens join back to `text`. */
  text?: string;
  /** Delay before each token; 0 sends every token back to back (a burst). */
  tokenDelayMs?: number;
  /** One token per event-loop turn (setImmediate) instead of a burst. */
  tickPerToken?: boolean;
  /** Delay before the response starts (headers and the role chunk). */
  firstTokenDelayMs?: number;
  /** Answer this HTTP status with an OpenAI-style error body instead (429, 500, 503...). */
  status?: number;
  /** `Retry-After` header, for 429. */
  retryAfterSeconds?: number;
  /** Send this many tokens, then keep the socket open and silent forever. */
  stallAfterTokens?: number;
  /** Send this many tokens, then destroy the socket (a network fault). */
  breakAfterTokens?: number;
  /** Delay between `[DONE]` and the end of the body, which providers often send apart. */
  endDelayMs?: number;
  finishReason?: 'stop' | 'length';
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** For non-streaming calls (e.g. `response_format: json_schema`): message content = `JSON.stringify(json)`. */
  json?: unknown;
}

export const DEFAULT_REPLY_TEXT = 'Hello from the fake model.';

/** Splits text into word tokens that join back to it exactly: "a b" gives ["a", " b"]. */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

const tokensByScript = new WeakMap<FakeReplyScript, string[]>();

/** The script's content deltas, computed once per script object (scripts are often reused). */
export function scriptTokens(script: FakeReplyScript): string[] {
  let tokens = tokensByScript.get(script);
  if (!tokens) {
    tokens = script.tokens ?? splitWords(script.text ?? (script.json === undefined ? DEFAULT_REPLY_TEXT : ''));
    tokensByScript.set(script, tokens);
  }
  return tokens;
}
