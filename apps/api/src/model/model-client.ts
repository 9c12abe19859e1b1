import { setTimeout as delay } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { Observable, type Subscriber } from 'rxjs';
import type { TokenUsage } from '@chat/contracts';
import { modelConfig } from '../config/model.config';
import { readCompletionChunks } from './completion-chunks';
import type { ModelFinishReason, ModelOutput, ReplyRequest } from './model-output';
import { replyContext } from './reply-assistant';
import {
  isRetryableUpstreamError,
  retryAfterSeconds,
  toUpstreamApiError,
  UpstreamStreamBroken,
  UpstreamTimeout,
} from './upstream-errors';

const MAX_RETRY_AFTER_MS = 10_000;

/**
 * The model client: streams the assistant's replies from the configured OpenAI-compatible model
 * through the official SDK. A failed call is retried with backoff only before the first token;
 * after that a failure ends the reply with an error, as re-running it would repeat text already
 * shown. Errors reach subscribers as the contract's `ApiError`s. Unsubscribing aborts the
 * upstream request, which closes its connection.
 */
@Injectable()
export class ModelClient {
  private readonly logger = new Logger(ModelClient.name);

  constructor(
    private readonly openai: OpenAI,
    @Inject(modelConfig.KEY) private readonly config: ConfigType<typeof modelConfig>,
  ) {}

  get modelName(): string {
    return this.config.model;
  }

  streamReply(request: ReplyRequest): Observable<ModelOutput> {
    return new Observable<ModelOutput>((subscriber) => {
      const abort = new AbortController();
      let settled = false;
      const generated =
        request.assistant || request.passages?.length
          ? replyContext.run(
              { assistant: request.assistant, passages: request.passages ?? [] },
              () => this.generate(request, abort.signal, subscriber),
            )
          : this.generate(request, abort.signal, subscriber);
      generated.then(
        () => {
          settled = true;
          subscriber.complete();
        },
        (error: unknown) => {
          settled = true;
          if (!abort.signal.aborted) subscriber.error(toUpstreamApiError(error));
        },
      );
      // A finished call has nothing to abort (and an abort costs an exception object).
      return () => {
        if (!settled) abort.abort();
      };
    });
  }

  private async generate(
    request: ReplyRequest,
    signal: AbortSignal,
    subscriber: Subscriber<ModelOutput>,
  ): Promise<void> {
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: request.systemPrompt },
      ...(request.data ? [{ role: 'system' as const, content: request.data }] : []),
      ...request.conversation.map((turn) => ({ role: turn.role, content: turn.content })),
    ];
    for (let attempt = 1; ; attempt++) {
      let started = false;
      try {
        await this.streamAttempt(messages, signal, (output) => {
          started = true;
          subscriber.next(output);
        });
        return;
      } catch (error) {
        if (
          signal.aborted ||
          started ||
          attempt >= this.config.maxAttempts ||
          !isRetryableUpstreamError(error)
        ) {
          throw error;
        }
        const delayMs = this.backoffMs(attempt, error);
        this.logger.warn(
          `Upstream attempt ${attempt} failed (${describe(error)}); retrying in ${delayMs} ms`,
        );
        await delay(delayMs, undefined, { signal });
      }
    }
  }

  /** One upstream call; `emit` is called for every delta and the finish. */
  private async streamAttempt(
    messages: ChatCompletionMessageParam[],
    outer: AbortSignal,
    emit: (output: ModelOutput) => void,
  ): Promise<void> {
    const attempt = new AbortController();
    const onOuterAbort = () => attempt.abort(outer.reason);
    outer.addEventListener('abort', onOuterAbort, { once: true });
    let timeout: UpstreamTimeout | undefined;
    // One timer per call rather than one per token: each token only notes the time, and the
    // timer, when it fires, sleeps again for whatever is left of the stall period.
    let lastTokenAt: number | undefined;
    const check = () => {
      const phase = lastTokenAt === undefined ? 'first_token' : 'stall';
      const left =
        lastTokenAt === undefined
          ? 0
          : lastTokenAt + this.config.stallTimeoutMs - performance.now();
      if (left > 0) {
        timer = setTimeout(check, left);
        return;
      }
      timeout = new UpstreamTimeout(phase);
      attempt.abort(timeout);
    };
    let timer = setTimeout(check, this.config.firstTokenTimeoutMs);
    try {
      const response = await this.openai.chat.completions
        .create(
          {
            model: this.config.model,
            messages,
            stream: true,
            stream_options: { include_usage: true },
            max_tokens: this.config.maxTokens,
          },
          { signal: attempt.signal },
        )
        .asResponse();
      let finishReason: ModelFinishReason = 'stop';
      let usage: TokenUsage | undefined;
      await readCompletionChunks(response, (chunk) => {
        const choice = chunk.choices?.[0];
        const content = choice?.delta?.content;
        if (content) {
          if (lastTokenAt === undefined) {
            clearTimeout(timer);
            timer = setTimeout(check, this.config.stallTimeoutMs);
          }
          lastTokenAt = performance.now();
          emit({ kind: 'delta', content });
        }
        if (choice?.finish_reason) {
          finishReason = choice.finish_reason === 'length' ? 'length' : 'stop';
        }
        if (chunk.usage) {
          usage = {
            prompt_tokens: chunk.usage.prompt_tokens,
            completion_tokens: chunk.usage.completion_tokens,
          };
        }
      });
      if (attempt.signal.aborted) throw timeout ?? attempt.signal.reason;
      emit({ kind: 'finish', finishReason, usage });
    } catch (error) {
      if (timeout) throw timeout;
      // Errors of the SDK's own classes keep their meaning; anything else thrown while reading
      // the body (a reset socket, a garbled chunk) means the provider's stream broke off.
      throw error instanceof OpenAI.OpenAIError || outer.aborted
        ? error
        : new UpstreamStreamBroken(error);
    } finally {
      clearTimeout(timer);
      outer.removeEventListener('abort', onOuterAbort);
    }
  }

  private backoffMs(attempt: number, error: unknown): number {
    const asked = retryAfterSeconds(error);
    if (asked !== undefined) return Math.min(asked * 1000, MAX_RETRY_AFTER_MS);
    const base = this.config.retryBaseDelayMs * 2 ** (attempt - 1);
    // Jitter spreads the retries of many clients hit by the same outage.
    return Math.round(base / 2 + Math.random() * (base / 2));
  }
}

function describe(error: unknown): string {
  if (error instanceof OpenAI.APIError) return `HTTP ${error.status ?? 'network'}`;
  return error instanceof Error ? error.name : 'unknown error';
}
