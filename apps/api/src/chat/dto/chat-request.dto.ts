import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import {
  ASSISTANT_ID_PATTERN,
  type ChatRequest,
  type VisitorIdentity,
  DEFAULT_MESSAGE_MAX_LENGTH,
  SESSION_ID_PATTERN,
} from '@chat/contracts';

/** Hard cap on what validation even looks at; the configured limit (MESSAGE_MAX_LENGTH) is checked by the service. */
const MESSAGE_HARD_CAP = 100_000;

export class VisitorIdentityDto implements VisitorIdentity {
  @ApiPropertyOptional({ example: 'Ada Lovelace' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'ada@example.com' })
  @IsOptional()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({
    example: 'e3b0c442…',
    description: 'Hex HMAC-SHA256 of `email` under the identity secret',
  })
  @IsOptional()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'user_hash must be 64 hex digits' })
  user_hash?: string;
}

export class ChatRequestDto implements ChatRequest {
  @ApiPropertyOptional({
    description: `The visitor's message (at most ${DEFAULT_MESSAGE_MAX_LENGTH} characters by default); required unless \`regenerate\`, which ignores it.`,
    example: 'What is momentum trading?',
  })
  // A regenerate turn answers a stored message: whatever it sends here is ignored.
  @ValidateIf((request: ChatRequestDto) => request.regenerate !== true)
  @IsString()
  @IsNotEmpty()
  @MaxLength(MESSAGE_HARD_CAP)
  message?: string;

  @ApiPropertyOptional({
    description: 'The conversation to continue; a new random one is started when absent.',
    example: 'test-123',
    pattern: SESSION_ID_PATTERN.source,
  })
  @IsOptional()
  @IsString()
  @Matches(SESSION_ID_PATTERN, { message: 'session_id must be 1-128 of A-Za-z0-9_-' })
  session_id?: string;

  @ApiPropertyOptional({
    description:
      "Answers the session's last user message again (`message` is then ignored): the new reply replaces the old one, and anything after it, once it completes; a failed turn leaves them. Needs `session_id`.",
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  regenerate?: boolean;

  @ApiPropertyOptional({
    description:
      'The assistant to talk to (the default assistant when absent). A session keeps the assistant and the published version it started with; naming another one later is `400 invalid_request`. Unknown, archived or never published: `404 not_found`.',
    example: 'trading-education',
    pattern: ASSISTANT_ID_PATTERN.source,
  })
  @IsOptional()
  @IsString()
  @Matches(ASSISTANT_ID_PATTERN, { message: 'assistant_id must be 1-64 of a-z0-9-' })
  assistant_id?: string;

  @ApiPropertyOptional({
    description:
      "Runs the assistant's saved draft (`start` says `assistant_version: 0` and `preview: true`), for staff trying it before publishing: needs an admin's staff cookie and the CSRF header (else `401 unauthorized` or `403 forbidden`). The session is never a lead and notifies no one; only preview calls continue it (others are `400 invalid_request`).",
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  preview?: boolean;

  @ApiPropertyOptional({
    type: () => VisitorIdentityDto,
    description:
      "What the host site knows of its signed-in visitor (the widget's `identify`): its email and name are taken as collected only with `user_hash`, the hex HMAC-SHA256 of the email under the assistant's identity secret; otherwise ignored.",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => VisitorIdentityDto)
  identity?: VisitorIdentityDto;
}
