import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
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
  type LeadDetail,
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
} satisfies LeadSummary;

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

export class LeadDetailDto extends LeadSummaryDto implements LeadDetail {
  @ApiProperty({ type: LeadTranscriptMessageDto, isArray: true }) messages: TranscriptMessage[];
  @ApiProperty({ type: LeadNotificationDto, isArray: true }) notifications: LeadNotificationDto[];
}

export class LeadRetryReplyDto implements LeadRetryReply {
  @ApiProperty({
    type: LeadNotificationDto,
    isArray: true,
    description: 'The failed notifications, queued again (empty if none had failed)',
  })
  requeued: LeadNotificationDto[];
}
