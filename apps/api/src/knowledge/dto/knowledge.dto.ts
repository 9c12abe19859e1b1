import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import {
  KNOWLEDGE_MEDIA_TYPES,
  KNOWLEDGE_SOURCE_KINDS,
  KNOWLEDGE_SOURCE_STATUSES,
  type KnowledgeMediaType,
  type KnowledgeSearchHit,
  type KnowledgeSearchReply,
  type KnowledgeSearchRequest,
  type KnowledgeSourceKind,
  type KnowledgeSourceStatus,
  type KnowledgeSourceSummary,
} from '@chat/contracts';
import { AssistantIdParamsDto } from '../../assistants/dto/assistant.dto';

export class KnowledgeSourceParamsDto extends AssistantIdParamsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  sourceId: string;
}

export class KnowledgeSourceDto implements KnowledgeSourceSummary {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'pricing.md' }) title: string;
  @ApiProperty({ enum: KNOWLEDGE_SOURCE_KINDS }) kind: KnowledgeSourceKind;
  @ApiProperty({ enum: KNOWLEDGE_MEDIA_TYPES, description: 'judged by the content' })
  media_type: KnowledgeMediaType;
  @ApiProperty({ example: 2048 }) bytes: number;
  @ApiProperty({ example: 12, description: 'passages (0 until ready)' }) chunks: number;
  @ApiProperty({ enum: KNOWLEDGE_SOURCE_STATUSES }) status: KnowledgeSourceStatus;
  @ApiPropertyOptional({ example: 'The document has no text.' }) error?: string;
  @ApiPropertyOptional() url?: string;
  @ApiProperty() created_at: string;
  @ApiProperty({ example: 'admin@example.com' }) created_by: string;
  @ApiProperty() updated_at: string;
}

/** `POST …/knowledge` as JSON: a web page to add (a file comes as multipart instead). */
export class KnowledgePageRequestDto {
  @ApiPropertyOptional({ example: 'https://example.com/pricing', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  url?: string;
}

export class KnowledgeSearchRequestDto implements KnowledgeSearchRequest {
  @ApiProperty({ example: 'How much is the premium plan?', maxLength: 4000 })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  query: string;
}

export class KnowledgeSearchHitDto implements KnowledgeSearchHit {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) source_id: string;
  @ApiProperty() title: string;
  @ApiPropertyOptional() url?: string;
  @ApiProperty() snippet: string;
  @ApiProperty({ type: String, nullable: true }) heading: string | null;
  @ApiProperty() content: string;
  @ApiProperty({ example: 0.4, description: '`ts_rank_cd` of the passage for the query' })
  score: number;
}

export class KnowledgeSearchReplyDto implements KnowledgeSearchReply {
  @ApiProperty({ type: KnowledgeSearchHitDto, isArray: true }) passages: KnowledgeSearchHitDto[];
}
