import {
  Body,
  Controller,
  Get,
  Header,
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
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request } from 'express';
import {
  concatMap,
  filter,
  finalize,
  from,
  map,
  type Observable,
  share,
  defer,
  takeUntil,
} from 'rxjs';
import type {
  ConversationDetail,
  ConversationFeedEvent,
  ConversationPage,
  ConversationSummary,
  TranscriptMessage,
} from '@chat/contracts';
import { Access } from '../access/access.decorator';
import { AccessRevocations } from '../access/access-revocations';
import { ApiErrorDto, TranscriptMessageDto } from '../chat/dto/chat-responses.dto';
import { GenerationRegistry } from '../chat/generation/generation-registry';
import { withHeartbeat } from '../chat/sse/server-sent-events';
import { ApiError } from '../common/api-error';
import { ClientRateLimitGuard, MESSAGES_BUDGET } from '../common/client-rate-limit.guard';
import { principalOf, staffOf } from '../common/principal';
import { chatConfig } from '../config/chat.config';
import { SessionRepository } from '../sessions/session-repository';
import { ConversationEvents } from './conversation-events';
import {
  ConversationDetailDto,
  ConversationPageDto,
  ConversationParamsDto,
  ConversationQueryDto,
  StaffMessageDto,
} from './dto/conversation.dto';
import { HandoffStore } from './handoff-store';
import { HandoffService } from './handoff.service';
import { parseChannelPosition, SessionLive } from './session-live';
import { StaffPresence } from './staff-presence';

/**
 * The staff's Conversations view (PROTOCOL.md, People in the conversation): who is talking now,
 * live, and taking a conversation over, writing in it and giving it back. Agents and admins;
 * writes need the CSRF header like every staff write. Every event of a feed is checked against
 * the staff member's access: signing out or a disabled account ends it at once.
 */
@ApiTags('conversations')
@ApiExtraModels(ApiErrorDto)
@UseGuards(ClientRateLimitGuard)
@SkipThrottle({ [MESSAGES_BUDGET]: true })
@Access({ staff: 'agent' })
@Controller('conversations')
export class ConversationsController {
  /** Every change, read once for all the staff listening on this instance. */
  private readonly feed$: Observable<ConversationFeedEvent>;

  constructor(
    private readonly store: HandoffStore,
    private readonly handoff: HandoffService,
    private readonly live: SessionLive,
    private readonly events: ConversationEvents,
    private readonly presence: StaffPresence,
    private readonly sessions: SessionRepository,
    private readonly generations: GenerationRegistry,
    private readonly revocations: AccessRevocations,
    @Inject(chatConfig.KEY) private readonly config: ConfigType<typeof chatConfig>,
  ) {
    this.feed$ = this.events.changes$.pipe(
      concatMap((change) =>
        change.kind === 'erased'
          ? [{ type: 'conversation_erased', session_id: change.sessionId } as const]
          : from(this.summary(change.sessionId)).pipe(
              filter((conversation) => conversation !== undefined),
              map((conversation) => ({ type: 'conversation', conversation }) as const),
            ),
      ),
      share(),
    );
  }

  @Get()
  @ApiOperation({ summary: 'Conversations: requests for a person first, then the latest active' })
  @ApiOkResponse({ type: ConversationPageDto })
  async list(@Query() query: ConversationQueryDto): Promise<ConversationPage> {
    const conversations = await this.store.list(query.state ?? 'live', query.assistant_id);
    const replying = await this.generations.replying(conversations.map((c) => c.session_id));
    return {
      conversations: conversations.map((c) => ({ ...c, replying: replying.has(c.session_id) })),
    };
  }

  @Sse('events')
  @Header('X-Accel-Buffering', 'no')
  @ApiOperation({
    summary: 'Live changes to conversations; being connected makes the staff member online',
    description:
      'Server-sent events whose `data` is `{"type":"conversation","conversation":{…}}` or `{"type":"conversation_erased","session_id":"…"}`. Requests for a person are offered, in turn, to the staff members connected here.',
  })
  @ApiProduces('text/event-stream')
  feed(@Req() request: Request): Observable<MessageEvent> {
    const staff = staffOf(request);
    return defer(() => {
      const left = this.presence.connected(staff.id);
      return withHeartbeat(
        this.feed$.pipe(map((event) => ({ data: event }))),
        this.config.heartbeatMs,
      ).pipe(finalize(left));
    }).pipe(this.revocations.endsWithAccess(principalOf(request)));
  }

  @Get(':sessionId')
  @ApiOperation({ summary: 'A conversation with its transcript' })
  @ApiOkResponse({ type: ConversationDetailDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: '`not_found`' })
  async detail(@Param() { sessionId }: ConversationParamsDto): Promise<ConversationDetail> {
    const summary = await this.summary(sessionId);
    const running = this.generations.runningForSession(sessionId);
    const session = await this.sessions.find(sessionId, running?.promptMessageId);
    if (!summary || !session) throw new ApiError('not_found', 'No such conversation.');
    return {
      ...summary,
      messages: session.messages,
      active_stream: running
        ? { stream_id: running.streamId, message_id: running.messageId }
        : null,
    };
  }

  @Sse(':sessionId/events')
  @Header('X-Accel-Buffering', 'no')
  @ApiOperation({
    summary:
      "A conversation's live channel, as its visitor gets it (replies streaming in included)",
  })
  @ApiProduces('text/event-stream')
  async watch(
    @Param() { sessionId }: ConversationParamsDto,
    @Req() request: Request,
    @Headers('last-event-id') lastEventId?: string,
  ): Promise<Observable<MessageEvent>> {
    const session = await this.store.session(sessionId);
    if (!session || session.preview) throw new ApiError('not_found', 'No such conversation.');
    const erased = this.events.changes$.pipe(
      filter((change) => change.kind === 'erased' && change.sessionId === sessionId),
    );
    return withHeartbeat(
      this.live.events$(
        sessionId,
        this.handoff.statusOf(session),
        parseChannelPosition(lastEventId),
      ),
      this.config.heartbeatMs,
    ).pipe(takeUntil(erased), this.revocations.endsWithAccess(principalOf(request)));
  }

  @Post(':sessionId/takeover')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Take the conversation over: the assistant stops, and only you write in it',
    description: 'A reply streaming now is cancelled. `409 conflict` names who holds it already.',
  })
  @ApiOkResponse({ type: ConversationDetailDto })
  @ApiConflictResponse({
    type: ApiErrorDto,
    description: '`conflict`: another staff member has it',
  })
  async takeover(
    @Param() params: ConversationParamsDto,
    @Req() request: Request,
  ): Promise<ConversationDetail> {
    await this.handoff.takeover(params.sessionId, staffOf(request));
    return this.detail(params);
  }

  @Post(':sessionId/release')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Give the conversation back to the assistant (or decline a request for a person)',
    description: 'By whoever holds it, or an admin.',
  })
  @ApiOkResponse({ type: ConversationDetailDto })
  @ApiConflictResponse({
    type: ApiErrorDto,
    description: '`conflict`: another staff member has it',
  })
  async release(
    @Param() params: ConversationParamsDto,
    @Req() request: Request,
  ): Promise<ConversationDetail> {
    const staff = staffOf(request);
    await this.handoff.release(params.sessionId, staff, staff.role === 'admin');
    return this.detail(params);
  }

  @Post(':sessionId/messages')
  @ApiOperation({ summary: 'Write to the visitor (markdown), holding the conversation' })
  @ApiCreatedResponse({ type: TranscriptMessageDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: '`conflict`: you do not hold it' })
  write(
    @Param() { sessionId }: ConversationParamsDto,
    @Body() { content }: StaffMessageDto,
    @Req() request: Request,
  ): Promise<TranscriptMessage> {
    return this.handoff.write(sessionId, staffOf(request), content);
  }

  @Post(':sessionId/typing')
  @HttpCode(204)
  @ApiOperation({ summary: 'You are writing (told to the visitor, not kept)' })
  @ApiNoContentResponse({ description: 'Told' })
  async typing(
    @Param() { sessionId }: ConversationParamsDto,
    @Req() request: Request,
  ): Promise<void> {
    await this.handoff.assertHolder(sessionId, staffOf(request));
    this.handoff.typing(sessionId, 'staff');
  }

  private async summary(sessionId: string): Promise<ConversationSummary | undefined> {
    const summary = await this.store.summary(sessionId);
    if (!summary) return undefined;
    const replying = await this.generations.replying([sessionId]);
    return { ...summary, replying: replying.has(sessionId) };
  }
}
