import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import {
  ASSISTANT_POSITIONS,
  type AssistantAppearance,
  type AssistantDetail,
  type AssistantDraft,
  type AssistantPosition,
  type AssistantSummary,
  type AssistantVersionSummary,
  type IdentitySecret,
  type LeadFieldDescriptor,
  type PublicAssistant,
} from '@chat/contracts';
import { ASSISTANT_ID, ASSISTANT_ID_MESSAGE } from '../../profile/profile-schema';

// Requests are validated by these classes and the OpenAPI document is drawn from them; each
// implements its contract type. A draft itself is checked by the profile schema, which names
// every wrong key by its path, so here it is only "an object".

const DRAFT_DESCRIPTION =
  "The profile file's keys as JSON (`version`, `id`, `name`, `persona`, `greeting`, `instructions`, `fields`, `knowledge`, `fallback_answer`, `privacy_notice`, `privacy_url`) plus `appearance`, `allowed_origins` and `notifications`; `version` defaults to 1 and `id` to the assistant's.";

const DRAFT_EXAMPLE = {
  name: 'Trading education assistant',
  persona: 'You are a friendly, patient trading tutor.',
  greeting: 'Hi! Ask me anything about trading.',
  instructions: 'Explain concepts; never give financial advice.',
  fields: [
    {
      name: 'email',
      label: 'Email',
      description: 'Where to reach the visitor.',
      required: true,
      kind: 'email',
    },
  ],
  knowledge: [],
  fallback_answer: 'I can explain trading concepts.',
  appearance: {
    title: 'Trading help',
    accent_color: '#0a7cff',
    launcher_label: 'Ask us',
    position: 'bottom-right',
  },
  allowed_origins: ['https://www.example.com'],
  notifications: { email_recipients: ['sales@example.com'] },
};

export class AssistantIdParamsDto {
  @ApiProperty({ example: 'trading-education', pattern: ASSISTANT_ID.source })
  @IsString()
  id: string;
}

export class AssistantVersionParamsDto extends AssistantIdParamsDto {
  @ApiProperty({ example: 1, minimum: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  n: number;
}

export class CreateAssistantDto {
  @ApiProperty({ example: 'trading-education', pattern: ASSISTANT_ID.source })
  @Matches(ASSISTANT_ID, { message: `id ${ASSISTANT_ID_MESSAGE}` })
  id: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: DRAFT_DESCRIPTION,
    example: DRAFT_EXAMPLE,
  })
  @IsObject()
  draft: AssistantDraft;
}

export class CreateAssistantQueryDto {
  @ApiPropertyOptional({
    description: "With a YAML body: the new assistant's id (default: the file's `id`)",
    pattern: ASSISTANT_ID.source,
  })
  @IsOptional()
  @Matches(ASSISTANT_ID, { message: `id ${ASSISTANT_ID_MESSAGE}` })
  id?: string;
}

export class AssistantVersionSummaryDto implements AssistantVersionSummary {
  @ApiProperty({ example: 2 }) version: number;
  @ApiProperty({ format: 'date-time' }) published_at: string;
  @ApiProperty({ example: 'admin@example.com', description: 'A staff email, or `import`' })
  published_by: string;
}

export class AssistantSummaryDto implements AssistantSummary {
  @ApiProperty({ example: 'trading-education' }) id: string;
  @ApiProperty({ example: 'Trading education assistant' }) name: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 2,
    description: 'null until first published',
  })
  published_version: number | null;
  @ApiProperty() archived: boolean;
  @ApiProperty({ description: 'The assistant of calls that name none' }) is_default: boolean;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ example: 'admin@example.com' }) updated_by: string;
}

export class AssistantDetailDto implements AssistantDetail {
  @ApiProperty({ example: 'trading-education' }) id: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: DRAFT_DESCRIPTION,
    example: DRAFT_EXAMPLE,
  })
  draft: AssistantDraft;
  @ApiProperty({ type: Number, nullable: true, example: 2 }) published_version: number | null;
  @ApiProperty({ type: AssistantVersionSummaryDto, isArray: true })
  versions: AssistantVersionSummaryDto[];
  @ApiProperty({
    description: "Whether a host site's identify() is trusted with the HMAC of the email under the assistant's identity secret",
  })
  identity_verification: boolean;
  @ApiProperty() archived: boolean;
  @ApiProperty() is_default: boolean;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ example: 'admin@example.com' }) updated_by: string;
}

export class AssistantAppearanceDto implements AssistantAppearance {
  @ApiProperty({ example: 'Trading help' }) title: string;
  @ApiProperty({ example: '#0a7cff', pattern: '^#[0-9a-fA-F]{6}$' }) accent_color: string;
  @ApiProperty({ example: 'Ask us' }) launcher_label: string;
  @ApiProperty({ enum: ASSISTANT_POSITIONS }) position: AssistantPosition;
  @ApiPropertyOptional({ example: 'https://cdn.example.com/avatar.png' }) avatar_url?: string;
}

export class PublicAssistantFieldDto implements LeadFieldDescriptor {
  @ApiProperty({ example: 'email' }) name: string;
  @ApiProperty({ example: 'Email address' }) label: string;
  @ApiProperty() description: string;
  @ApiProperty() required: boolean;
  @ApiPropertyOptional({ type: String, isArray: true }) options?: string[];
}

export class PublicAssistantDto implements PublicAssistant {
  @ApiProperty({ example: 'trading-education' }) id: string;
  @ApiProperty({ example: 'Trading education assistant' }) name: string;
  @ApiProperty() greeting: string;
  @ApiProperty({ example: 'gpt-4o-mini' }) model: string;
  @ApiProperty({ description: 'Whether the offline demo model answers' }) demo: boolean;
  @ApiProperty({ example: 3, description: 'The live version, which new sessions run' })
  version: number;
  @ApiProperty({ type: PublicAssistantFieldDto, isArray: true }) fields: PublicAssistantFieldDto[];
  @ApiProperty({ type: AssistantAppearanceDto }) appearance: AssistantAppearanceDto;
  @ApiPropertyOptional({
    description: 'What the assistant collects and why, shown beside the details',
  })
  privacy_notice?: string;
  @ApiPropertyOptional({ format: 'uri', description: "The business's privacy policy" })
  privacy_url?: string;
}

export class IdentitySecretDto implements IdentitySecret {
  @ApiProperty({
    example: 'idv_3q2+7w…',
    description:
      'The key of the HMAC-SHA256 (hex) of a signed-in visitor\'s email that the host site sends as `user_hash`; shown this once',
  })
  identity_secret: string;
}
