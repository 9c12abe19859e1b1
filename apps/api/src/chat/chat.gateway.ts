import type { IncomingMessage } from 'node:http';
import { Inject, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import proxyAddr from 'proxy-addr';
import type { ConfigType } from '@nestjs/config';
import { InjectThrottlerStorage, type ThrottlerStorage } from '@nestjs/throttler';
import { type OnGatewayConnection, WebSocketGateway } from '@nestjs/websockets';
import { filter, type Subscription, takeUntil } from 'rxjs';
import type { RawData, WebSocket } from 'ws';
import type { SessionEvent, WsClientMessage } from '@chat/contracts';
import { ApiError } from '../common/api-error';
import {
  budgetKey,
  clientOf,
  MESSAGES_BUDGET,
  READS_BUDGET,
  rateLimited,
  SESSION_BUDGET,
  sessionClient,
} from '../common/client-rate-limit.guard';
import { type ChatConfig, chatConfig } from '../config/chat.config';
import { toErrorEvent } from '../common/error-event';
import { validateAs } from '../common/validation';
import { AccessRevocations } from '../access/access-revocations';
import { ApiKeys } from '../access/api-keys';
import { ApiMetrics } from '../metrics/api-metrics';
import { apiKeyClient, apiKeyOf } from '../common/principal';
import type { PageOrigin } from '../assistants/assistant-origins';
import { ChatPageOrigins } from './chat-page-origins';
import { ChatTurnService } from './chat-turn.service';
import { upgradeApiKey } from './chat-ws.adapter';
import { ChatRequestDto } from './dto/chat-request.dto';
import { StreamParamsDto } from './dto/params.dto';
import { GenerationRegistry } from './generation/generation-registry';
import { MAX_PENDING_SSE_CHARS } from './sse/sse-frame-writer';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../common/json-depth';
import { SessionChannel } from '../conversations/session-channel';
import { LeadEvents } from '../leads/lead-events';

/** A visitor's own message, as the channel repeats it for staff. */
const isVisitorMessage = (event: SessionEvent) =>
  event.type === 'message' && event.message.role === 'user';

/** The most sessions one socket hears the live channel of. */
const SESSIONS_PER_SOCKET = 20;

/**
 * The WebSocket path of the protocol: the client sends `message` and `cancel` objects, the server
 * sends the same event objects as the SSE stream. Closing the socket is an SSE disconnect: the
 * generations it watched keep running until their orphan timeout.
 */
@WebSocketGateway({ path: '/api/chat/ws' })
export class ChatGateway implements OnGatewayConnection, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ChatGateway.name);
  /** Open sockets by client address, for the per-client cap. */
  private readonly socketsByClient = new Map<string, number>();
  /** Sockets that have not answered the last ping. */
  private readonly unanswered = new Set<WebSocket>();
  private readonly sockets = new Set<WebSocket>();
  private pinger: NodeJS.Timeout | undefined;

  constructor(
    private readonly turns: ChatTurnService,
    private readonly generations: GenerationRegistry,
    @InjectThrottlerStorage() private readonly throttler: ThrottlerStorage,
    @Inject(chatConfig.KEY) private readonly config: ConfigType<typeof chatConfig>,
    private readonly httpAdapterHost: HttpAdapterHost,
    private readonly apiKeys: ApiKeys,
    private readonly revocations: AccessRevocations,
    private readonly metrics: ApiMetrics,
    private readonly pageOrigins: ChatPageOrigins,
    private readonly channel: SessionChannel,
    private readonly leadEvents: LeadEvents,
  ) {}

  /** Express's compiled `trust proxy` (set from `TRUST_PROXY` by `setupApp`). */
  private get trustProxy(): (address: string, hop: number) => boolean {
    const express = this.httpAdapterHost.httpAdapter.getInstance<{ get(name: string): unknown }>();
    return (
      (express.get('trust proxy fn') as ((address: string, hop: number) => boolean) | undefined) ??
      (() => false)
    );
  }

  /** One timer pings every socket; one that did not answer the previous ping is closed. */
  onModuleInit(): void {
    this.pinger = setInterval(() => {
      for (const socket of this.sockets) {
        if (this.unanswered.has(socket)) {
          socket.terminate();
          continue;
        }
        this.unanswered.add(socket);
        socket.ping();
      }
    }, this.config.wsPingIntervalMs);
    this.pinger.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.pinger);
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    // The client the HTTP routes see: its API key (verified at the upgrade), else its address
    // through the trusted proxies only.
    const key = apiKeyOf(request);
    const client = key ? apiKeyClient(key.id) : clientOf(proxyAddr(request, this.trustProxy));
    const rawKey = key && upgradeApiKey(request);
    // The page the socket was opened from: each message is checked against its assistant's origins.
    const origin = request.headers.origin;
    const page = origin === undefined ? undefined : { origin, host: request.headers.host };
    const open = (this.socketsByClient.get(client) ?? 0) + 1;
    this.socketsByClient.set(client, open);
    const watching = new Set<Subscription>();
    /** The sessions this socket sent messages for, whose live channel it hears. */
    const sessions = new Set<string>();
    socket.once('close', () => {
      const left = (this.socketsByClient.get(client) ?? 1) - 1;
      if (left > 0) this.socketsByClient.set(client, left);
      else this.socketsByClient.delete(client);
      this.sockets.delete(socket);
      this.unanswered.delete(socket);
      for (const subscription of watching) subscription.unsubscribe();
      watching.clear();
    });
    if (open > this.config.wsMaxSocketsPerClient) {
      socket.close(1008, 'Too many connections from this client.');
      return;
    }
    this.sockets.add(socket);
    if (key) {
      // A revoked key ends its sockets at once, on every instance (unsubscribed on close).
      watching.add(
        this.revocations
          .revoked(key)
          .subscribe(() => socket.close(1008, 'The API key was revoked.')),
      );
    }
    socket.on('pong', () => this.unanswered.delete(socket));
    const frames = new SocketFrameBudget(this.config);
    socket.on('message', (data) => {
      if (socket.readyState !== socket.OPEN) return;
      const refusal = frames.admit();
      if (refusal) return closeAbusive(socket, 1008, refusal);
      void this.onMessage(socket, { client, rawKey, page, sessions }, data, watching).then(
        (invalid) => {
          frames.settled();
          if (invalid && frames.invalid() && socket.readyState === socket.OPEN) {
            closeAbusive(socket, 1008, 'Too many invalid frames.');
          }
        },
      );
    });
  }

  private async onMessage(
    socket: WebSocket,
    {
      client,
      rawKey,
      page,
      sessions,
    }: {
      client: string;
      rawKey: string | undefined;
      page: PageOrigin | undefined;
      sessions: Set<string>;
    },
    data: RawData,
    watching: Set<Subscription>,
  ): Promise<boolean> {
    try {
      const message = parseClientMessage(data);
      // A key is checked again on each message, so that revoking it stops an open socket too.
      const apiKeyId = rawKey ? await this.liveKeyId(rawKey) : undefined;
      if (message.type === 'cancel') {
        const { streamId } = await validateAs(StreamParamsDto, { streamId: message.stream_id });
        await this.limitReads(client);
        await this.pageOrigins.check(page, { streamId, apiKeyId });
        (
          await this.generations.getOwned(streamId, { sessionToken: tokenOf(message), apiKeyId })
        ).abort('cancelled');
        return false;
      }
      const { type: _type, session_token: sessionToken, ...request } = message;
      await this.limitMessages(client, apiKeyId, {
        sessionId: request.session_id,
        sessionToken: tokenOf({ session_token: sessionToken }),
      });
      const chatRequest = await validateAs(ChatRequestDto, request);
      await this.pageOrigins.check(page, {
        assistantId: chatRequest.assistant_id,
        sessionId: chatRequest.session_id,
        apiKeyId,
      });
      const generation = await this.turns.startTurn(chatRequest, {
        sessionToken: tokenOf({ session_token: sessionToken }),
        apiKeyId,
      });
      const subscription = generation.events$().subscribe({
        next: (event) => sendBounded(socket, event.json),
        complete: () => watching.delete(subscription),
      });
      subscription.add(this.metrics.streamOpened('websocket'));
      if (!subscription.closed) watching.add(subscription);
      this.hearSession(socket, generation.sessionId, sessions, watching);
      return false;
    } catch (error) {
      const event = toErrorEvent(error);
      if (event.code === 'internal_error')
        this.logger.error({ err: error }, 'WebSocket message failed');
      if (socket.readyState === socket.OPEN) sendBounded(socket, JSON.stringify(event));
      return event.code === 'invalid_request';
    }
  }

  /**
   * From the socket's first message for a session on, what happens in the session between turns
   * (staff messages, handoff states, staff typing) reaches the socket too; its own turns'
   * events it has already. A socket hears at most `SESSIONS_PER_SOCKET` sessions.
   */
  private hearSession(
    socket: WebSocket,
    sessionId: string,
    sessions: Set<string>,
    watching: Set<Subscription>,
  ): void {
    if (sessions.has(sessionId) || sessions.size >= SESSIONS_PER_SOCKET) return;
    sessions.add(sessionId);
    // An erased session's id may be taken again by someone else: its channel ends here at once.
    const erased = this.leadEvents.changes$.pipe(
      filter((change) => change.kind === 'erased' && change.sessionId === sessionId),
    );
    const subscription = this.channel
      .items$(sessionId)
      .pipe(takeUntil(erased))
      .subscribe({
        next: ({ entry }) => {
          if (!('event' in entry) || isVisitorMessage(JSON.parse(entry.event) as SessionEvent))
            return;
          if (socket.readyState === socket.OPEN) sendBounded(socket, entry.event);
        },
        error: () => sessions.delete(sessionId),
        complete: () => sessions.delete(sessionId),
      });
    watching.add(subscription);
  }

  private async liveKeyId(rawKey: string): Promise<string> {
    const key = await this.apiKeys.verify(rawKey);
    if (!key) throw new ApiError('unauthorized', 'Unknown or revoked API key.');
    return key.id;
  }

  /** The client's budget for reads, resumes and cancels, shared with those over HTTP. */
  private async limitReads(client: string): Promise<void> {
    const { rateLimitWindowMs: ttl, rateLimitReads: limit } = this.config;
    const record = await this.throttler.increment(
      budgetKey(READS_BUDGET, client),
      ttl,
      limit,
      ttl,
      READS_BUDGET,
    );
    if (record.isBlocked) throw rateLimited(record.timeToBlockExpire);
  }

  /**
   * The session's message budget, then the client's, both shared with messages over HTTP (a
   * session past its own spends none of its client's).
   */
  private async limitMessages(
    client: string,
    apiKeyId: string | undefined,
    { sessionId, sessionToken }: { sessionId: unknown; sessionToken: string | undefined },
  ): Promise<void> {
    if (typeof sessionId === 'string') {
      const session = sessionClient(sessionId, apiKeyId ?? sessionToken);
      await this.spend(
        budgetKey(SESSION_BUDGET, session),
        this.config.rateLimitSessionMessages,
        SESSION_BUDGET,
      );
    }
    const limit =
      apiKeyId !== undefined ? this.config.rateLimitApiKeyMessages : this.config.rateLimitMessages;
    await this.spend(budgetKey(MESSAGES_BUDGET, client), limit, MESSAGES_BUDGET);
  }

  private async spend(key: string, limit: number, budget: string): Promise<void> {
    const { rateLimitWindowMs: ttl } = this.config;
    const record = await this.throttler.increment(key, ttl, limit, ttl, budget);
    if (record.isBlocked) {
      this.metrics.rateLimited('messages', 'websocket');
      throw rateLimited(record.timeToBlockExpire);
    }
  }
}

function parseClientMessage(data: RawData): WsClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(data.toString());
  } catch {
    throw new ApiError('invalid_request', 'Messages must be JSON objects.');
  }
  // As for HTTP bodies: the validation walks a message recursively, so depth is refused first.
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
    throw new ApiError(
      'invalid_request',
      `The message is nested too deeply (at most ${MAX_JSON_DEPTH} levels).`,
    );
  }
  const type = (value as { type?: unknown } | null)?.type;
  if (type !== 'message' && type !== 'cancel') {
    throw new ApiError('invalid_request', 'type must be "message" or "cancel".');
  }
  return value as WsClientMessage;
}

/** The session token a client message carries, if it is a string. */
function tokenOf(message: { session_token?: unknown }): string | undefined {
  return typeof message.session_token === 'string' ? message.session_token : undefined;
}

/**
 * Sends `json`, unless the client has stopped reading: past the same bound as an SSE response,
 * the socket is closed (1013) rather than buffered without limit (its generations run on, resumable).
 */
function sendBounded(socket: WebSocket, json: string): void {
  if (socket.readyState !== socket.OPEN) return;
  if (socket.bufferedAmount > MAX_PENDING_SSE_CHARS) {
    closeAbusive(socket, 1013, 'Not reading: too much output waiting.');
    return;
  }
  socket.send(json);
}

/**
 * Closes with `code` and `reason`, reads nothing more (a flood already sent is left unparsed),
 * and drops the connection a second later: an abusive peer cannot hold the socket open for the
 * library's 30 s closing timeout. The peer still gets the close frame's code and reason.
 */
function closeAbusive(socket: WebSocket, code: number, reason: string): void {
  socket.close(code, reason);
  socket.pause();
  setTimeout(() => socket.terminate(), ABUSIVE_CLOSE_GRACE_MS).unref();
}

const ABUSIVE_CLOSE_GRACE_MS = 1000;

/**
 * What one socket may send, counted synchronously as each frame arrives, before any work:
 * frames per window (every frame, whatever it holds), frames being processed at once, and
 * invalid frames over the socket's life. Past any of them the socket is closed with 1008.
 */
class SocketFrameBudget {
  private windowStart = 0;
  private inWindow = 0;
  private inFlight = 0;
  private invalidFrames = 0;

  constructor(
    private readonly limits: Pick<
      ChatConfig,
      'rateLimitWindowMs' | 'wsFrameBudget' | 'wsMaxFramesInFlight' | 'wsMaxInvalidFrames'
    >,
  ) {}

  /** Counts a frame in; the reason to close the socket if it is one too many. */
  admit(): string | undefined {
    const now = Date.now();
    if (now - this.windowStart >= this.limits.rateLimitWindowMs) {
      this.windowStart = now;
      this.inWindow = 0;
    }
    if (++this.inWindow > this.limits.wsFrameBudget)
      return "Too many frames: over the socket's budget.";
    if (this.inFlight >= this.limits.wsMaxFramesInFlight)
      return 'Too many frames at once: wait for the answers.';
    this.inFlight++;
    return undefined;
  }

  settled(): void {
    this.inFlight--;
  }

  /** Counts an invalid frame; whether the socket has now sent too many. */
  invalid(): boolean {
    return ++this.invalidFrames >= this.limits.wsMaxInvalidFrames;
  }
}
