import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type {
  HandoffState,
  HandoffStatus,
  HandoffUnavailableReason,
  MessageAuthor,
  ActiveStream,
  AssistantProfile,
  CancelReply,
  ChatReply,
  ChunkEvent,
  DoneEvent,
  EmailSentEvent,
  ErrorCode,
  ErrorEvent,
  FinishReason,
  LeadData,
  LeadEmailStatus,
  LeadFieldDescriptor,
  SessionTranscript,
  SourceReference,
  SourcesEvent,
  StartEvent,
  TokenUsage,
  TranscriptFinishReason,
  TranscriptMessage,
  TranscriptRole,
} from '@chat/contracts';
import {
  HANDOFF_STATES,
  HANDOFF_UNAVAILABLE_REASONS,
  ERROR_CODES,
  FINISH_REASONS,
  LEAD_EMAIL_STATUSES,
  TRANSCRIPT_FINISH_REASONS,
  TRANSCRIPT_ROLES,
} from '@chat/contracts';
import { DEFAULT_HEARTBEAT_MS } from '../../config/chat.config';

// OpenAPI descriptions of the contract's shapes. Each class implements its contract type, so the
// compiler keeps the documentation and the wire in step.

const LEAD_EXAMPLE: LeadData = {
  name: 'Ana Silva',
  email: 'ana@example.com',
  experience: 'beginner',
};

export { ApiErrorDto } from '../../common/api-error.dto';

export class StartEventDto implements StartEvent {
  @ApiProperty({ enum: ['start'] }) type: StartEvent['type'];
  @ApiProperty({ example: 'test-123' }) session_id: string;
  @ApiProperty({ format: 'uuid' }) message_id: string;
  @ApiProperty({ format: 'uuid' }) stream_id: string;
  @ApiProperty({ example: 'demo', description: '`demo` for the offline demo model' }) model: string;
  @ApiProperty({
    example: 'trading-education',
    description: 'The assistant the session runs, to its end',
  })
  assistant_id: string;
  @ApiProperty({
    example: 1,
    description: 'Its published version the session runs (0: the draft, in a preview)',
  })
  assistant_version: number;
  @ApiPropertyOptional({ enum: [true], description: 'A preview of the draft: never a lead' })
  preview?: true;
  @ApiPropertyOptional({
    example: 'q3Jx0mB0c2VjcmV0LXRva2VuLWV4YW1wbGUtMDEyMzQ1Njc4OQ',
    description:
      'On the turn that created the session only: send it as `X-Session-Token` on every later call about this session',
  })
  session_token?: string;
}

export class ChunkEventDto implements ChunkEvent {
  @ApiProperty({ enum: ['chunk'] }) type: ChunkEvent['type'];
  @ApiProperty({ example: 'Momentum trading ' }) content: string;
}

export class TokenUsageDto implements TokenUsage {
  @ApiProperty({ example: 412 }) prompt_tokens: number;
  @ApiProperty({ example: 96 }) completion_tokens: number;
}

export class DoneEventDto implements DoneEvent {
  @ApiProperty({ enum: ['done'] }) type: DoneEvent['type'];
  @ApiProperty({ format: 'uuid' }) message_id: string;
  @ApiProperty({ enum: FINISH_REASONS }) finish_reason: FinishReason;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: LEAD_EXAMPLE })
  data_collected: LeadData;
  @ApiProperty({ example: false }) is_complete: boolean;
  @ApiProperty({ type: [String], example: [] }) missing_fields: string[];
  @ApiPropertyOptional({ type: TokenUsageDto }) usage?: TokenUsage;
}

export class ErrorEventDto implements ErrorEvent {
  @ApiProperty({ enum: ['error'] }) type: ErrorEvent['type'];
  @ApiProperty({ example: 'The model provider failed to answer. Please try again.' })
  message: string;
  @ApiProperty({ enum: ERROR_CODES, example: 'upstream_unavailable' }) code: ErrorCode;
  @ApiProperty({ example: true }) retryable: boolean;
}

export class EmailSentEventDto implements EmailSentEvent {
  @ApiProperty({ enum: ['email_sent'] }) type: EmailSentEvent['type'];
  @ApiProperty({ example: 'Your details were sent to our team.' }) message: string;
}

export class SourceReferenceDto implements SourceReference {
  @ApiProperty({ format: 'uuid', description: 'the passage' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'its knowledge source' }) source_id: string;
  @ApiProperty({ example: 'pricing.md' }) title: string;
  @ApiPropertyOptional({ description: 'for a web page source' }) url?: string;
  @ApiProperty({ example: 'Refunds are paid within 14 days of a written request…' })
  snippet: string;
}

export class SourcesEventDto implements SourcesEvent {
  @ApiProperty({ enum: ['sources'] }) type: SourcesEvent['type'];
  @ApiProperty({
    type: [SourceReferenceDto],
    description: "the passages of the assistant's knowledge the reply was given, best first",
  })
  sources: SourceReference[];
}

export const CHAT_EVENT_DTOS = [
  StartEventDto,
  ChunkEventDto,
  SourcesEventDto,
  DoneEventDto,
  ErrorEventDto,
  EmailSentEventDto,
];

const EXAMPLE_STREAM = [
  `id: 1\ndata: {"type":"start","session_id":"test-123","message_id":"6f1c…","stream_id":"0b7e…","model":"demo"}\n\n`,
  `id: 2\ndata: {"type":"chunk","content":"Momentum "}\n\n`,
  `id: 3\ndata: {"type":"chunk","content":"trading "}\n\n`,
  `id: 4\ndata: {"type":"done","message_id":"6f1c…","finish_reason":"stop","data_collected":{},"is_complete":false,"missing_fields":["name","email","experience"]}\n\n`,
].join('');

/** The `text/event-stream` body of the streaming endpoints, for `@ApiOkResponse`. */
export const SSE_RESPONSE_CONTENT = {
  'text/event-stream': {
    schema: {
      type: 'string' as const,
      description:
        'Frames `id: <n>\\ndata: <one-line JSON>\\n\\n`; the JSON is one of the event schemas ' +
        '(StartEventDto, ChunkEventDto, SourcesEventDto, DoneEventDto, ErrorEventDto, EmailSentEventDto), discriminated by `type`. ' +
        `A \`: ping\` comment is sent while the stream is open, every ${DEFAULT_HEARTBEAT_MS / 1000} s unless the server's \`SSE_HEARTBEAT_MS\` says otherwise. ` +
        'Clients ignore comments and unknown types.',
    },
    examples: {
      reply: { summary: 'A short reply', value: EXAMPLE_STREAM },
      failure: {
        summary: 'The model provider failed mid-reply',
        value:
          'id: 1\ndata: {"type":"start",…}\n\nid: 2\ndata: {"type":"chunk","content":"Momentum"}\n\n' +
          'id: 3\ndata: {"type":"error","code":"upstream_timeout","message":"The model stopped answering mid-reply. Please try again.","retryable":true}\n\n',
      },
    },
  },
};

export class ChatReplyDto implements ChatReply {
  @ApiProperty({ example: 'test-123' }) session_id: string;
  @ApiPropertyOptional({
    example: 'q3Jx0mB0c2VjcmV0LXRva2VuLWV4YW1wbGUtMDEyMzQ1Njc4OQ',
    description:
      'On the turn that created the session only: send it as `X-Session-Token` on every later call about this session',
  })
  session_token?: string;
  @ApiProperty({ format: 'uuid' }) message_id: string;
  @ApiProperty({ example: 'Momentum trading is a strategy…' }) reply: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: LEAD_EXAMPLE })
  data_collected: LeadData;
  @ApiProperty() is_complete: boolean;
  @ApiProperty({ type: [String] }) missing_fields: string[];
  @ApiProperty() email_sent: boolean;
}

export class MessageAuthorDto implements MessageAuthor {
  @ApiProperty({ example: 'Sam' }) name: string;
}

export class HandoffStatusDto implements HandoffStatus {
  @ApiProperty({ enum: HANDOFF_STATES }) state: HandoffState;
  @ApiPropertyOptional({ type: MessageAuthorDto, description: 'Who holds it (`human`)' })
  agent?: MessageAuthor;
  @ApiPropertyOptional({
    description:
      'While `requested`: false when nobody can take it now (see `reason`); the visitor is asked for an email',
  })
  available?: boolean;
  @ApiPropertyOptional({ enum: HANDOFF_UNAVAILABLE_REASONS })
  reason?: HandoffUnavailableReason;
}

export class TranscriptMessageDto implements TranscriptMessage {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: TRANSCRIPT_ROLES }) role: TranscriptRole;
  @ApiProperty() content: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiPropertyOptional({
    type: MessageAuthorDto,
    description: 'For `staff` messages: who wrote it (a display name, never an email)',
  })
  author?: MessageAuthor;
  @ApiPropertyOptional({ enum: TRANSCRIPT_FINISH_REASONS })
  finish_reason?: TranscriptFinishReason;
  @ApiPropertyOptional({
    type: [SourceReferenceDto],
    description: "an assistant reply's `sources` event, kept with it",
  })
  sources?: SourceReference[];
}

export class ActiveStreamDto implements ActiveStream {
  @ApiProperty({ format: 'uuid' }) stream_id: string;
  @ApiProperty({ format: 'uuid' }) message_id: string;
}

export class SessionTranscriptDto implements SessionTranscript {
  @ApiProperty({ example: 'test-123' }) session_id: string;
  @ApiProperty({ type: [TranscriptMessageDto] }) messages: TranscriptMessage[];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: LEAD_EXAMPLE })
  data_collected: LeadData;
  @ApiProperty() is_complete: boolean;
  @ApiProperty({ type: [String] }) missing_fields: string[];
  @ApiProperty({
    enum: LEAD_EMAIL_STATUSES,
    description:
      '`queued` while the notification waits for (another) attempt; `failed` once every attempt was spent',
  })
  email_status: LeadEmailStatus;
  @ApiProperty({
    type: ActiveStreamDto,
    nullable: true,
    description: 'A generation still running, to re-attach to',
  })
  active_stream: ActiveStream | null;
  @ApiProperty({ type: HandoffStatusDto, description: 'Who answers the visitor now' })
  handoff: HandoffStatus;
}

export class LeadFieldDto implements LeadFieldDescriptor {
  @ApiProperty({ example: 'email' }) name: string;
  @ApiProperty({ example: 'Email' }) label: string;
  @ApiProperty() description: string;
  @ApiProperty() required: boolean;
  @ApiPropertyOptional({ type: [String] }) options?: string[];
}

export class AssistantProfileDto implements AssistantProfile {
  @ApiProperty({ example: 'Trading education assistant' }) name: string;
  @ApiProperty() greeting: string;
  @ApiProperty({ example: 'demo' }) model: string;
  @ApiProperty({ description: 'True when the offline demo model answers' }) demo: boolean;
  @ApiProperty({ type: [LeadFieldDto] }) fields: LeadFieldDescriptor[];
  @ApiPropertyOptional({
    description: 'What the assistant collects and why, shown beside the details',
  })
  privacy_notice?: string;
  @ApiPropertyOptional({ format: 'uri', description: "The business's privacy policy" })
  privacy_url?: string;
}

export class CancelReplyDto implements CancelReply {
  @ApiProperty({ format: 'uuid' }) stream_id: string;
  @ApiProperty({ description: 'False when the generation had already finished' })
  cancelled: boolean;
}
