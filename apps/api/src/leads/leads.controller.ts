import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  type MessageEvent,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Sse,
  StreamableFile,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { concatMap, filter, from, map, type Observable, share } from 'rxjs';
import type {
  LeadDetail,
  LeadFeedEvent,
  LeadNote,
  LeadPage,
  LeadRetryReply,
  LeadStagesReply,
  LeadUnreadReply,
} from '@chat/contracts';
import type { Request } from 'express';
import { Access } from '../access/access.decorator';
import { AccessRevocations } from '../access/access-revocations';
import { principalOf, staffOf } from '../common/principal';
import { ApiErrorDto } from '../common/api-error.dto';
import { ApiError } from '../common/api-error';
import { ClientRateLimitGuard, MESSAGES_BUDGET } from '../common/client-rate-limit.guard';
import { AssistantStore } from '../assistants/assistant-store';
import {
  CreateLeadNoteDto,
  LeadDetailDto,
  LeadExportQueryDto,
  LeadNoteDto,
  LeadPageDto,
  LeadParamsDto,
  LeadQueryDto,
  LeadRetryReplyDto,
  LeadStagesReplyDto,
  LeadUnreadReplyDto,
  UpdateLeadDto,
} from './dto/lead.dto';
import { leadsCsv } from './lead-csv';
import { LeadEvents } from './lead-events';
import { LeadStore } from './lead-store';
import { LeadWorkflow } from './lead-workflow';


@ApiTags('leads')
@ApiExtraModels(ApiErrorDto)
@UseGuards(ClientRateLimitGuard)
@SkipThrottle({ [MESSAGES_BUDGET]: true })
@Controller('leads')
export class LeadsController {
  /** Every change, read once for all the staff listening (and not at all when nobody is). */
  private readonly feed$: Observable<LeadFeedEvent>;

  constructor(
    private readonly store: LeadStore,
    private readonly events: LeadEvents,
    private readonly revocations: AccessRevocations,
    private readonly assistants: AssistantStore,
    private readonly workflow: LeadWorkflow,
  ) {
    this.feed$ = this.events.changes$.pipe(
      concatMap((change) =>
        change.kind === 'erased'
          ? [{ type: 'lead_erased', id: change.id } satisfies LeadFeedEvent]
          : from(this.store.summary(change.id)).pipe(
              // Erased meanwhile, or nothing collected yet: nothing to show.
              filter((lead) => lead !== undefined && Object.keys(lead.fields).length > 0),
              map((lead) => ({ type: 'lead', lead }) as LeadFeedEvent),
            ),
      ),
      share(),
    );
  }

  @Get()
  @Access({ staff: 'agent', key: 'leads:read' })
  @ApiOperation({
    summary: 'Leads, newest first, cursor-paginated',
    description:
      'A lead is listed once something has been collected. Pages are stable: leads that arrive while you page come before the first page, never inside later ones.',
  })
  @ApiOkResponse({ type: LeadPageDto })
  async list(@Query() query: LeadQueryDto): Promise<LeadPage> {
    const page = await this.store.list(query);
    return { leads: page.leads, next_cursor: page.nextCursor };
  }

  @Get('export.csv')
  @Access({ staff: 'agent' })
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="leads.csv"')
  @ApiProduces('text/csv')
  @ApiOperation({
    summary: 'The filtered leads as CSV (UTF-8, header row, one lead a row), streamed',
  })
  @ApiOkResponse({ description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } })
  async export(@Query() query: LeadExportQueryDto): Promise<StreamableFile> {
    // The fields of every version the exported leads may come from: none of their details is dropped.
    const fields = await this.assistants.fieldNames(query.assistant_id);
    return new StreamableFile(leadsCsv(this.store.all(query), fields));
  }

  @Sse('events')
  @Access({ staff: 'agent' })
  @Header('X-Accel-Buffering', 'no')
  @ApiOperation({
    summary: 'Live changes to leads, for the staff inbox',
    description:
      'Server-sent events whose `data` is `{"type":"lead","lead":{…}}` or `{"type":"lead_erased","id":"…"}`.',
  })
  @ApiProduces('text/event-stream')
  feed(@Req() request: Request): Observable<MessageEvent> {
    // Signing out, a disabled account or a changed role ends the feed at once, on every instance.
    return this.feed$.pipe(
      this.revocations.endsWithAccess(principalOf(request)),
      map((event) => ({ data: event })),
    );
  }

  @Get('stages')
  @Access({ staff: 'agent', key: 'leads:read' })
  @ApiOperation({ summary: "The pipeline's stages, in order (`LEAD_STAGES`)" })
  @ApiOkResponse({ type: LeadStagesReplyDto })
  stages(): LeadStagesReply {
    return { stages: [...this.workflow.stages] };
  }

  @Get('unread')
  @Access({ staff: 'agent' })
  @ApiOperation({ summary: 'How many listed leads no staff member has opened yet' })
  @ApiOkResponse({ type: LeadUnreadReplyDto })
  async unread(): Promise<LeadUnreadReply> {
    return { unread: await this.store.unreadCount() };
  }

  @Get(':leadId')
  @Access({ staff: 'agent', key: 'leads:read' })
  @ApiOperation({
    summary:
      "A lead: its fields, its session's transcript, its notifications and the staff's activity",
    description:
      'Opened by a staff member, the lead is no longer `unread` (for all the staff); an API key reading it changes nothing.',
  })
  @ApiOkResponse({ type: LeadDetailDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: '`not_found`' })
  async detail(@Param() { leadId }: LeadParamsDto, @Req() request: Request): Promise<LeadDetail> {
    // Read by one staff member, it is read for all: their feeds hear of it.
    if (principalOf(request)?.kind === 'staff' && (await this.workflow.markSeen(leadId))) {
      this.events.changed(leadId);
    }
    return this.store.detail(leadId);
  }

  @Patch(':leadId')
  @Access({ staff: 'agent' })
  @ApiOperation({
    summary: "Change a lead's stage, owner or tags",
    description:
      'Each field that changes is recorded in its `activity` with who changed it and when.',
  })
  @ApiOkResponse({ type: LeadDetailDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: '`invalid_request`, naming the field' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: '`not_found`' })
  async update(
    @Param() { leadId }: LeadParamsDto,
    @Body() change: UpdateLeadDto,
    @Req() request: Request,
  ): Promise<LeadDetail> {
    if (await this.workflow.update(leadId, change, staffOf(request).email)) {
      this.events.changed(leadId);
    }
    return this.store.detail(leadId);
  }

  @Post(':leadId/notes')
  @Access({ staff: 'agent' })
  @ApiOperation({ summary: 'Write a private note on a lead (staff only; never sent anywhere)' })
  @ApiCreatedResponse({ type: LeadNoteDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: '`invalid_request`' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: '`not_found`' })
  addNote(
    @Param() { leadId }: LeadParamsDto,
    @Body() { body }: CreateLeadNoteDto,
    @Req() request: Request,
  ): Promise<LeadNote> {
    return this.workflow.addNote(leadId, body, staffOf(request).email);
  }

  @Post(':leadId/notifications/retry')
  @HttpCode(200)
  @Access({ staff: 'agent' })
  @ApiOperation({
    summary: "Send a lead's failed notifications again",
    description:
      'They are queued again with their attempts anew; the outbox worker sends them within `OUTBOX_POLL_MS`.',
  })
  @ApiOkResponse({ type: LeadRetryReplyDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: '`not_found`' })
  async retry(@Param() { leadId }: LeadParamsDto): Promise<LeadRetryReply> {
    const requeued = await this.store.requeueFailed(leadId);
    if (requeued.length > 0) this.events.changed(leadId);
    return { requeued };
  }

  @Delete(':leadId')
  @HttpCode(204)
  @Access({ staff: 'admin' })
  @ApiOperation({
    summary: 'Erase a lead with its session, transcript and notifications (right to erasure)',
    description:
      'Every copy goes: the database rows, the mail outbox file, the streams kept for resuming (in memory and in Redis). A webhook that was sent the lead receives `lead.erased`.',
  })
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: '`not_found`' })
  async erase(@Param() { leadId }: LeadParamsDto): Promise<void> {
    const erased = await this.store.erase(leadId);
    if (!erased) throw new ApiError('not_found', 'No such lead.');
    await this.events.erased(erased);
  }
}
