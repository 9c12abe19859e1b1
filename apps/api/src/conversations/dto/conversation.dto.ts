import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import {
  ASSISTANT_ID_PATTERN,
  CONVERSATION_FILTERS,
  type ConversationDetail,
  type ConversationFilter,
  type ConversationPage,
  type ConversationSummary,
  HANDOFF_STATES,
  type HandoffState,
  STAFF_MESSAGE_MAX_LENGTH,
  type StaffMessageRequest,
  type StaffRef,
  type TranscriptMessage,
} from '@chat/contracts';
import { ActiveStreamDto, TranscriptMessageDto } from '../../chat/dto/chat-responses.dto';

export class ConversationQueryDto {
  @ApiPropertyOptional({
    enum: CONVERSATION_FILTERS,
    description:
      '`live` (default): requests, conversations a person holds, and those active in the last 30 minutes',
  })
  @IsOptional()
  @IsIn(CONVERSATION_FILTERS)
  state?: ConversationFilter;

  @ApiPropertyOptional({ description: 'Only the conversations of this assistant' })
  @IsOptional()
  @Matches(ASSISTANT_ID_PATTERN, { message: 'assistant_id must be 1-64 of a-z, 0-9 and -' })
  assistant_id?: string;
}

/** A staff route's `:sessionId`: a stored session id (an API key's sessions are `<key id>.<id>`). */
export class ConversationParamsDto {
  @ApiProperty({ example: 'test-123' })
  @Matches(/^([0-9a-f-]{36}\.)?[A-Za-z0-9_-]{1,128}$/, {
    message: 'session_id is not a session id',
  })
  sessionId: string;
}

export class StaffMessageDto implements StaffMessageRequest {
  @ApiProperty({
    maxLength: STAFF_MESSAGE_MAX_LENGTH,
    description: 'Markdown, shown to the visitor sanitised',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(STAFF_MESSAGE_MAX_LENGTH)
  content: string;
}

export class StaffRefDto implements StaffRef {
  @ApiProperty({ example: 'Sam' }) name: string;
  @ApiProperty({ example: 'sam@example.com' }) email: string;
}

class LastMessageDto {
  @ApiProperty({ enum: ['user', 'assistant', 'staff'] }) role: TranscriptMessage['role'];
  @ApiProperty() content: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

class ConversationLeadDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String }) label: string | null;
}

export class ConversationSummaryDto implements ConversationSummary {
  @ApiProperty() session_id: string;
  @ApiProperty() assistant_id: string;
  @ApiProperty({ enum: HANDOFF_STATES }) state: HandoffState;
  @ApiProperty({ type: StaffRefDto, nullable: true }) holder: StaffRef | null;
  @ApiProperty({ type: StaffRefDto, nullable: true }) assignee: StaffRef | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) requested_at: string | null;
  @ApiProperty() replying: boolean;
  @ApiProperty({ type: LastMessageDto, nullable: true })
  last_message: ConversationSummary['last_message'];
  @ApiProperty() message_count: number;
  @ApiProperty({ type: ConversationLeadDto, nullable: true }) lead: ConversationSummary['lead'];
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class ConversationPageDto implements ConversationPage {
  @ApiProperty({ type: [ConversationSummaryDto] }) conversations: ConversationSummary[];
}

export class ConversationDetailDto extends ConversationSummaryDto implements ConversationDetail {
  @ApiProperty({ type: [TranscriptMessageDto] }) messages: TranscriptMessage[];
  @ApiProperty({ type: ActiveStreamDto, nullable: true })
  active_stream: ConversationDetail['active_stream'];
}
