import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  ASSISTANT_ID_PATTERN,
  type CreateLeadNoteRequest,
  DEFAULT_LEAD_STAGES,
  type LeadActivity,
  LEAD_CHANGE_FIELDS,
  LEAD_NOTE_MAX_LENGTH,
  LEAD_STAGE_PATTERN,
  LEAD_TAG_MAX_LENGTH,
  LEAD_TAG_PATTERN,
  LEAD_TAGS_MAX,
  type LeadChangeField,
  type LeadDetail,
  type LeadStagesReply,
  type LeadUnreadReply,
  normalizeLeadTag,
  type UpdateLeadRequest,
  type LeadEmailStatus,
  type LeadNotification,
  type LeadPage,
  type LeadQuery,
  type LeadRetryReply,
  LEAD_EMAIL_STATUSES,
  LEAD_STATES,
  LEADS_PAGE_DEFAULT,
  LEADS_PAGE_MAX,
  type LeadStateName,
  type LeadSummary,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_STATUSES,
  type NotificationChannel,
  type NotificationStatus,
  type TranscriptMessage,
} from '@chat/contracts';

// The leads API's requests and answers for validation and the OpenAPI document; each implements
// its contract type.

const LEAD_EXAMPLE = {
  id: '7d0f4c53-2b1e-4f55-9a64-0f2d1d8f7e21',
  session_id: 'test-123',
  assistant_id: 'trading-education',
  state: 'complete',
  fields: { name: 'Ana Silva', email: 'ana@example.com', experience: 'beginner' },
  notification_status: 'sent',
  created_at: '2026-11-28T09:14:03.512204Z',
  updated_at: '2026-11-28T09:16:40.100233Z',
  completed_at: '2026-11-28T09:16:40.100233Z',
  stage: 'contacted',
  owner: 'agent@example.com',
  tags: ['callback', 'vip'],
  unread: false,
} satisfies LeadSummary;

const TAG_MESSAGE = `tags are at most ${LEAD_TAGS_MAX}, each 1-${LEAD_TAG_MAX_LENGTH} of a-z0-9-`;
/** Tags as the API compares them: trimmed, lower case (other values are left for validation to refuse). */
const normalizedTags = ({ value }: { value: unknown }) =>
  Array.isArray(value)
    ? value.map((tag: unknown) => (typeof tag === 'string' ? normalizeLeadTag(tag) : tag))
    : value;

export class LeadQueryDto implements LeadQuery {
  @ApiPropertyOptional({ enum: LEAD_STATES, description: 'Only leads in this state' })
  @IsOptional()
  @IsIn(LEAD_STATES)
  status?: LeadStateName;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created at or after' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Created before' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;

  @ApiPropertyOptional({
    description: 'Text found in any collected value (case-insensitive)',
    example: 'silva',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({
    description: 'Only leads collected by this assistant',
    example: 'trading-education',
  })
  @IsOptional()
  @Matches(ASSISTANT_ID_PATTERN, { message: 'assistant_id must be 1-64 of a-z0-9-' })
  assistant_id?: string;

  @ApiPropertyOptional({ description: 'Only leads in this stage of the pipeline', example: 'new' })
  @IsOptional()
  @Matches(LEAD_STAGE_PATTERN, { message: 'stage must be 1-30 of a-z0-9_- starting with a letter' })
  stage?: string;

  @ApiPropertyOptional({
    description: 'Only leads this staff member (email) owns; `none`: only unowned leads',
    example: 'agent@example.com',
  })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @Matches(/^(none|[^@\s]+@[^@\s]+)$/, { message: 'owner must be an email or none' })
  owner?: string;

  @ApiPropertyOptional({ description: 'Only leads with this tag', example: 'vip' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? normalizeLeadTag(value) : value))
  @Matches(LEAD_TAG_PATTERN, { message: `tag must be 1-${LEAD_TAG_MAX_LENGTH} of a-z0-9-` })
  tag?: string;

  @ApiPropertyOptional({ description: 'The `next_cursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: LEADS_PAGE_MAX, default: LEADS_PAGE_DEFAULT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(LEADS_PAGE_MAX)
  limit?: number;
}

/** The export takes the list's filters, without paging. */
export class LeadExportQueryDto extends OmitType(LeadQueryDto, ['cursor', 'limit'] as const) {}

export class LeadParamsDto {
  @IsUUID()
  leadId: string;
}

export class LeadSummaryDto implements LeadSummary {
  @ApiProperty({ format: 'uuid', example: LEAD_EXAMPLE.id }) id: string;
  @ApiProperty({ example: LEAD_EXAMPLE.session_id }) session_id: string;
  @ApiProperty({ example: LEAD_EXAMPLE.assistant_id }) assistant_id: string;
  @ApiProperty({ enum: LEAD_STATES, example: LEAD_EXAMPLE.state }) state: LeadStateName;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: LEAD_EXAMPLE.fields,
  })
  fields: Record<string, string>;
  @ApiProperty({ enum: LEAD_EMAIL_STATUSES, example: LEAD_EXAMPLE.notification_status })
  notification_status: LeadEmailStatus;
  @ApiProperty({ format: 'date-time', example: LEAD_EXAMPLE.created_at }) created_at: string;
  @ApiProperty({ format: 'date-time', example: LEAD_EXAMPLE.updated_at }) updated_at: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    example: LEAD_EXAMPLE.completed_at,
  })
  completed_at: string | null;
  @ApiProperty({
    description: 'Its stage of the pipeline (`GET /leads/stages`)',
    example: 'contacted',
  })
  stage: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "Its owner's email",
    example: LEAD_EXAMPLE.owner,
  })
  owner: string | null;
  @ApiProperty({ type: String, isArray: true, example: LEAD_EXAMPLE.tags }) tags: string[];
  @ApiProperty({ description: 'True until a staff member opens it (per lead)', example: false })
  unread: boolean;
}

export class LeadPageDto implements LeadPage {
  @ApiProperty({ type: LeadSummaryDto, isArray: true }) leads: LeadSummaryDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null on the last',
    example: 'WyIyMDI2LTExLTI4VDA5OjE0OjAzLjUxMjIwNFoiLCI3ZDBmNGM1MyJd',
  })
  next_cursor: string | null;
}

export class LeadNotificationDto implements LeadNotification {
  @ApiProperty({ format: 'uuid', description: "Also the webhook delivery's `webhook-id`" })
  id: string;
  @ApiProperty({ enum: NOTIFICATION_CHANNELS }) channel: NotificationChannel;
  @ApiProperty({ enum: NOTIFICATION_STATUSES }) status: NotificationStatus;
  @ApiProperty({ example: 1 }) attempts: number;
  @ApiProperty({ nullable: true, type: String, example: null }) last_error: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) next_attempt_at:
    string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) sent_at: string | null;
}

class LeadTranscriptMessageDto implements TranscriptMessage {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['user', 'assistant'] }) role: TranscriptMessage['role'];
  @ApiProperty() content: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiPropertyOptional() finish_reason?: TranscriptMessage['finish_reason'];
}

/** One entry of a lead's activity: the two kinds in one schema, told apart by `type`. */
class LeadActivityDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['note', 'change'] }) type: LeadActivity['type'];
  @ApiProperty({
    description: 'The staff email of who wrote or changed it',
    example: 'agent@example.com',
  })
  by: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiPropertyOptional({ description: 'A note: its text' }) body?: string;
  @ApiPropertyOptional({ enum: LEAD_CHANGE_FIELDS, description: 'A change: what changed' })
  field?: LeadChangeField;
  @ApiPropertyOptional({
    nullable: true,
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    description: 'A change: the value before (tags: an array)',
  })
  from?: string | string[] | null;
  @ApiPropertyOptional({
    nullable: true,
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    description: 'A change: the value after',
  })
  to?: string | string[] | null;
}

export class LeadDetailDto extends LeadSummaryDto implements LeadDetail {
  @ApiProperty({ type: LeadTranscriptMessageDto, isArray: true }) messages: TranscriptMessage[];
  @ApiProperty({ type: LeadNotificationDto, isArray: true }) notifications: LeadNotificationDto[];
  @ApiProperty({
    type: LeadActivityDto,
    isArray: true,
    description: "The staff's notes and changes, oldest first",
  })
  activity: LeadActivity[];
}

export class LeadNoteDto extends LeadActivityDto {
  @ApiProperty({ enum: ['note'] }) declare type: 'note';
  @ApiProperty() declare body: string;
}

export class UpdateLeadDto implements UpdateLeadRequest {
  @ApiPropertyOptional({ description: "One of the pipeline's stages", example: 'contacted' })
  @IsOptional()
  @IsString()
  @MaxLength(30)
  stage?: string;

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'The email of an active staff member; null: nobody',
    example: 'agent@example.com',
  })
  @IsOptional()
  @IsEmail({}, { message: 'owner must be the email of an active staff member, or null' })
  @MaxLength(254)
  owner?: string | null;

  @ApiPropertyOptional({
    type: String,
    isArray: true,
    maxItems: LEAD_TAGS_MAX,
    description: `Replaces the tags; each is trimmed and lower-cased, then 1-${LEAD_TAG_MAX_LENGTH} of a-z0-9-`,
    example: LEAD_EXAMPLE.tags,
  })
  @IsOptional()
  @IsArray({ message: TAG_MESSAGE })
  @ArrayMaxSize(LEAD_TAGS_MAX, { message: TAG_MESSAGE })
  @Transform(normalizedTags)
  @IsString({ each: true, message: TAG_MESSAGE })
  @Matches(LEAD_TAG_PATTERN, { each: true, message: TAG_MESSAGE })
  tags?: string[];
}

export class CreateLeadNoteDto implements CreateLeadNoteRequest {
  @ApiProperty({
    maxLength: LEAD_NOTE_MAX_LENGTH,
    example: 'Called back; wants the evening course.',
  })
  @IsString()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsNotEmpty({ message: 'body must not be empty' })
  @MaxLength(LEAD_NOTE_MAX_LENGTH, {
    message: `body must be at most ${LEAD_NOTE_MAX_LENGTH} characters`,
  })
  body: string;
}

export class LeadStagesReplyDto implements LeadStagesReply {
  @ApiProperty({ type: String, isArray: true, example: DEFAULT_LEAD_STAGES })
  stages: string[];
}

export class LeadUnreadReplyDto implements LeadUnreadReply {
  @ApiProperty({ example: 3, minimum: 0 }) unread: number;
}

export class LeadRetryReplyDto implements LeadRetryReply {
  @ApiProperty({
    type: LeadNotificationDto,
    isArray: true,
    description: 'The failed notifications, queued again (empty if none had failed)',
  })
  requeued: LeadNotificationDto[];
}
