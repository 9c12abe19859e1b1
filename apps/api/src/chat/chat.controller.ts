import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  type MessageEvent,
  Param,
  Post,
  Query,
  RequestMethod,
  Sse,
  UseGuards,
  UseInterceptors,
  Req,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiQuery,
  ApiSecurity,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import {
  ClientRateLimitGuard,
  MESSAGES_BUDGET,
  READS_BUDGET,
} from '../common/client-rate-limit.guard';
import type { Observable } from 'rxjs';
import type { CancelReply, ChatReply, SessionTranscript } from '@chat/contracts';
import { SESSION_TOKEN_SCHEME } from './session-token.openapi';
import type { Request } from 'express';
import { Access } from '../access/access.decorator';
import { AccessRevocations } from '../access/access-revocations';
import { PreviewAccessGuard } from '../access/preview-access.guard';
import { apiKeyOf } from '../common/principal';
import type { SessionCaller } from '../sessions/session-owner';
import { Caller } from './session-caller.decorator';
import { chatConfig } from '../config/chat.config';
import { ChatTurnService } from './chat-turn.service';
import { ChatRequestDto } from './dto/chat-request.dto';
import {
  ApiErrorDto,
  CancelReplyDto,
  CHAT_EVENT_DTOS,
  ChatReplyDto,
  SessionTranscriptDto,
  SSE_RESPONSE_CONTENT,
} from './dto/chat-responses.dto';
import { SessionParamsDto, StreamParamsDto } from './dto/params.dto';
import { GenerationRegistry } from './generation/generation-registry';
import { parseLastEventId, toServerSentEvents } from './sse/server-sent-events';
import { SseResponseInterceptor } from './sse/sse-response.interceptor';
import { PageOriginGuard } from './page-origin.guard';

@ApiTags('chat')
@ApiExtraModels(...CHAT_EVENT_DTOS, ApiErrorDto)
@ApiSecurity(SESSION_TOKEN_SCHEME)
@ApiSecurity({})
@Access({ visitors: true, key: 'chat' })
@ApiForbiddenResponse({
  type: ApiErrorDto,
  description:
    "`forbidden`: the session or stream exists and the caller does not own it (its session token, or the API key that created it), the API key lacks `chat`, or the calling page's origin is not allowed for the assistant",
})
@ApiBadRequestResponse({ type: ApiErrorDto, description: '`invalid_request`' })
// A website's page may talk only to the assistants that list its origin.
@UseGuards(PageOriginGuard)
@Controller('chat')
export class ChatController {
  constructor(
    private readonly turns: ChatTurnService,
    private readonly generations: GenerationRegistry,
    private readonly revocations: AccessRevocations,
    @Inject(chatConfig.KEY) private readonly config: ConfigType<typeof chatConfig>,
  ) {}

  @Sse('stream', { method: RequestMethod.POST })
  @HttpCode(200)
  @UseGuards(PreviewAccessGuard, ClientRateLimitGuard)
  @SkipThrottle({ [READS_BUDGET]: true })
  @UseInterceptors(SseResponseInterceptor)
  @ApiOperation({
    summary: 'Send a message and stream the reply',
    description:
      'Server-sent events: `start`, `chunk`*, then `done` or `error`, then `email_sent` at most once.',
  })
  @ApiOkResponse({ content: SSE_RESPONSE_CONTENT })
  @ApiConflictResponse({ type: ApiErrorDto, description: '`generation_in_progress`' })
  @ApiPayloadTooLargeResponse({ type: ApiErrorDto, description: '`payload_too_large`' })
  @ApiTooManyRequestsResponse({
    type: ApiErrorDto,
    description: '`rate_limited`, with `Retry-After`',
  })
  async stream(
    @Body() request: ChatRequestDto,
    @Caller() caller: SessionCaller,
    @Req() http: Request,
  ): Promise<Observable<MessageEvent>> {
    const generation = await this.turns.startTurn(request, caller);
    return toServerSentEvents(generation.events$(), this.config.heartbeatMs).pipe(
      this.revocations.endsWithAccess(apiKeyOf(http)),
    );
  }

  @Sse('streams/:streamId/events')
  @UseGuards(ClientRateLimitGuard)
  @SkipThrottle({ [MESSAGES_BUDGET]: true })
  @UseInterceptors(SseResponseInterceptor)
  @ApiOperation({
    summary: 'Resume a stream',
    description:
      'Replays the events after `Last-Event-ID`, then continues live. An `EventSource` can open it directly.',
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'The id of the last event received',
  })
  @ApiQuery({ name: 'last_event_id', required: false, type: Number })
  @ApiQuery({
    name: 'session_token',
    required: false,
    description: 'The session token, for an `EventSource`, which cannot send headers',
  })
  @ApiOkResponse({ content: SSE_RESPONSE_CONTENT })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: '`not_found`: unknown or expired stream' })
  async resume(
    @Param() { streamId }: StreamParamsDto,
    @Caller({ query: true }) caller: SessionCaller,
    @Req() http: Request,
    @Headers('last-event-id') lastEventIdHeader?: string,
    @Query('last_event_id') lastEventIdQuery?: string,
  ): Promise<Observable<MessageEvent>> {
    const generation = await this.generations.getOwned(streamId, caller);
    const lastEventId = parseLastEventId(lastEventIdHeader ?? lastEventIdQuery);
    return toServerSentEvents(generation.events$(lastEventId), this.config.heartbeatMs).pipe(
      this.revocations.endsWithAccess(apiKeyOf(http)),
    );
  }

  @Post('streams/:streamId/cancel')
  @UseGuards(ClientRateLimitGuard)
  @SkipThrottle({ [MESSAGES_BUDGET]: true })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stop a generation',
    description: 'The stream ends with `done` and `finish_reason: "cancelled"`.',
  })
  @ApiOkResponse({ type: CancelReplyDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: '`not_found`' })
  async cancel(
    @Param() { streamId }: StreamParamsDto,
    @Caller() caller: SessionCaller,
  ): Promise<CancelReply> {
    const generation = await this.generations.getOwned(streamId, caller);
    const running = await generation.isRunning();
    generation.abort('cancelled');
    return { stream_id: streamId, cancelled: running };
  }

  @Post()
  @HttpCode(200)
  @UseGuards(PreviewAccessGuard, ClientRateLimitGuard)
  @SkipThrottle({ [READS_BUDGET]: true })
  @ApiOperation({ summary: 'Send a message and get the whole reply (non-streaming)' })
  @ApiOkResponse({ type: ChatReplyDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: '`generation_in_progress`' })
  @ApiTooManyRequestsResponse({ type: ApiErrorDto, description: '`rate_limited`' })
  reply(@Body() request: ChatRequestDto, @Caller() caller: SessionCaller): Promise<ChatReply> {
    return this.turns.reply(request, caller);
  }

  @Get('sessions/:sessionId')
  @UseGuards(ClientRateLimitGuard)
  @SkipThrottle({ [MESSAGES_BUDGET]: true })
  @ApiOperation({ summary: 'The transcript and collected data of a session, for a page reload' })
  @ApiOkResponse({ type: SessionTranscriptDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: '`not_found`' })
  session(
    @Param() { sessionId }: SessionParamsDto,
    @Caller() caller: SessionCaller,
  ): Promise<SessionTranscript> {
    return this.turns.transcript(sessionId, caller);
  }
}
