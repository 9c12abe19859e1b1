import { ApiProperty } from '@nestjs/swagger';
import { IsUUID, Matches } from 'class-validator';
import { SESSION_ID_PATTERN } from '@chat/contracts';

export class StreamParamsDto {
  @ApiProperty({ format: 'uuid', description: 'The `stream_id` of a `start` event.' })
  @IsUUID('4', { message: 'stream_id must be the id given by a start event' })
  streamId: string;
}

export class SessionParamsDto {
  @ApiProperty({ example: 'test-123', pattern: SESSION_ID_PATTERN.source })
  @Matches(SESSION_ID_PATTERN, { message: 'session_id must be 1-128 of A-Za-z0-9_-' })
  sessionId: string;
}
