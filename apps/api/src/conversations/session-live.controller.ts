import {
  Controller,
  Headers,
  HttpCode,
  Inject,
  type MessageEvent,
  Param,
  Post,
  Query,
  Req,
  Sse,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request } from 'express';
import { filter, type Observable, takeUntil } from 'rxjs';
import type { HandoffStatus } from '@chat/contracts';
import { Access } from '../access/access.decorator';
import { AccessRevocations } from '../access/access-revocations';
import { ApiErrorDto, HandoffStatusDto } from '../chat/dto/chat-responses.dto';
import { SessionParamsDto } from '../chat/dto/params.dto';
import { PageOriginGuard } from '../chat/page-origin.guard';
import { Caller } from '../chat/session-caller.decorator';
import { SESSION_TOKEN_SCHEME } from '../chat/session-token.openapi';
import { withHeartbeat } from '../chat/sse/server-sent-events';
import { SseResponseInterceptor } from '../chat/sse/sse-response.interceptor';
import {
  ClientRateLimitGuard,
  MESSAGES_BUDGET,
  READS_BUDGET,
} from '../common/client-rate-limit.guard';
import { apiKeyOf } from '../common/principal';
import { chatConfig } from '../config/chat.config';
import { storedSessionId } from '../sessions/session-namespace';
import type { SessionCaller } from '../sessions/session-owner';
import { ConversationEvents } from './conversation-events';
import { HandoffService } from './handoff.service';
import { parseChannelPosition, SessionLive } from './session-live';

/**
 * The visitor's side of People in the conversation: the session's live channel, asking for a
 * person, and the visitor's typing, for staff. Each needs the session's token (or its API key).
 */
@ApiTags('chat')
@ApiExtraModels(ApiErrorDto)
@ApiSecurity(SESSION_TOKEN_SCHEME)
@ApiSecurity({})
@Access({ visitors: true, key: 'chat' })
@UseGuards(PageOriginGuard)
@Controller('chat/sessions')
export class SessionLiveController {
  constructor(
    private readonly handoff: HandoffService,
    private readonly live: SessionLive,
    private readonly conversations: ConversationEvents,
    private readonly revocations: AccessRevocations,
    @Inject(chatConfig.KEY) private readonly config: ConfigType<typeof chatConfig>,
  ) {}

  @Sse(':sessionId/events')
  @UseGuards(ClientRateLimitGuard)
  @SkipThrottle({ [MESSAGES_BUDGET]: true })
  @UseInterceptors(SseResponseInterceptor)
  @ApiOperation({
    summary: "The session's live channel",
    description:
      "Server-sent events: the current `handoff` state first (without an id), then `message` (staff, and the visitor's own), `handoff`, `typing` and each turn's events (ids `<entry>/<event>`). Resumable with `Last-Event-ID`.",
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false })
  @ApiQuery({ name: 'last_event_id', required: false, type: String })
  @ApiQuery({ name: 'session_token', required: false, description: 'For an `EventSource`' })
  @ApiProduces('text/event-stream')
  @ApiNotFoundResponse({ type: ApiErrorDto, description: '`not_found`' })
  async events(
    @Param() { sessionId }: SessionParamsDto,
    @Caller({ query: true }) caller: SessionCaller,
    @Req() http: Request,
    @Headers('last-event-id') lastEventIdHeader?: string,
    @Query('last_event_id') lastEventIdQuery?: string,
  ): Promise<Observable<MessageEvent>> {
    const stored = storedSessionId(sessionId, caller.apiKeyId);
    const position = parseChannelPosition(lastEventIdHeader ?? lastEventIdQuery);
    const session = await this.handoff.ownedSession(stored, caller);
    const erased = this.conversations.changes$.pipe(
      filter((change) => change.kind === 'erased' && change.sessionId === stored),
    );
    return withHeartbeat(
      this.live.events$(stored, this.handoff.statusOf(session), position),
      this.config.heartbeatMs,
    ).pipe(takeUntil(erased), this.revocations.endsWithAccess(apiKeyOf(http)));
  }

  @Post(':sessionId/handoff')
  @HttpCode(200)
  @UseGuards(ClientRateLimitGuard)
  @SkipThrottle({ [READS_BUDGET]: true })
  @ApiOperation({
    summary: 'Ask for a person',
    description:
      'Offered to a staff member online; with nobody online or outside the hours, `available` is false and the request waits. Idempotent.',
  })
  @ApiOkResponse({ type: HandoffStatusDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: '`not_found`' })
  request(
    @Param() { sessionId }: SessionParamsDto,
    @Caller() caller: SessionCaller,
  ): Promise<HandoffStatus> {
    return this.handoff.request(storedSessionId(sessionId, caller.apiKeyId), caller);
  }

  @Post(':sessionId/typing')
  @HttpCode(204)
  @UseGuards(ClientRateLimitGuard)
  @SkipThrottle({ [MESSAGES_BUDGET]: true })
  @ApiOperation({ summary: 'The visitor is writing (told to the staff watching, not kept)' })
  @ApiNoContentResponse({ description: 'Told' })
  async typing(
    @Param() { sessionId }: SessionParamsDto,
    @Caller() caller: SessionCaller,
  ): Promise<void> {
    const stored = storedSessionId(sessionId, caller.apiKeyId);
    await this.handoff.ownedSession(stored, caller);
    this.handoff.typing(stored, 'user');
  }
}
