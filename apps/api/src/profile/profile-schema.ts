// @Type() below reads design-time metadata; load the polyfill here so the loader works outside Nest.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  LEAD_FIELD_KINDS,
  SUPPORTED_PROFILE_VERSIONS,
  type AssistantProfileDefinition,
  type KnowledgeEntry,
  type LeadFieldKind,
  type LeadFieldSpec,
} from './assistant-profile';
import { MentionsField, NotBelow, OnlyOnKind, UniqueBy } from './profile-validators';

/*
 * The checks a profile read from YAML must pass, as class-validator schemas of the shapes in
 * `assistant-profile.ts`. They live apart from those shapes so that the custom validators, which
 * read the shapes, and the schemas, which use the validators, do not import each other.
 */

const IDENTIFIER = /^[a-z][a-z0-9_-]*$/;

export class LeadFieldSpecSchema implements LeadFieldSpec {
  @Matches(IDENTIFIER, { message: 'must be an identifier (lower case letters, digits, _ or -)' })
  name: string;

  @IsString() @IsNotEmpty() label: string;

  @IsString() @IsNotEmpty() description: string;

  @IsBoolean() required: boolean;

  @IsIn(LEAD_FIELD_KINDS, { message: `must be one of: ${LEAD_FIELD_KINDS.join(', ')}` })
  kind: LeadFieldKind;

  @ValidateIf(
    (field: LeadFieldSpecSchema) => field.kind === 'choice' || field.options !== undefined,
  )
  @OnlyOnKind('choice')
  @IsArray()
  @ArrayMinSize(1)
  @Matches(/^[a-z0-9][a-z0-9 _-]*$/, { each: true, message: 'each option must be lower case' })
  options?: string[];

  @IsOptional() @IsInt() @Min(0) @Max(10_000) min_length?: number;

  @IsOptional() @IsInt() @Min(1) @Max(10_000) @NotBelow('min_length') max_length?: number;

  @IsOptional() @IsString() @IsNotEmpty() @MentionsField() question?: string;
}

export class KnowledgeEntrySchema implements KnowledgeEntry {
  @Matches(IDENTIFIER, { message: 'must be an identifier (lower case letters, digits, _ or -)' })
  id: string;

  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  keywords: string[];

  @IsString() @IsNotEmpty() answer: string;
}

export class AssistantProfileSchema implements AssistantProfileDefinition {
  @IsIn(SUPPORTED_PROFILE_VERSIONS, {
    message: `unsupported profile version (supported: ${SUPPORTED_PROFILE_VERSIONS.join(', ')})`,
  })
  version: 1;

  @Matches(IDENTIFIER, { message: 'must be an identifier (lower case letters, digits, _ or -)' })
  id: string;

  @IsString() @IsNotEmpty() name: string;
  @IsString() @IsNotEmpty() persona: string;
  @IsString() @IsNotEmpty() greeting: string;
  @IsString() @IsNotEmpty() instructions: string;

  @IsArray()
  @ArrayMinSize(1)
  @UniqueBy('name')
  @ValidateNested({ each: true })
  @Type(() => LeadFieldSpecSchema)
  fields: LeadFieldSpecSchema[];

  @IsArray()
  @UniqueBy('id')
  @ValidateNested({ each: true })
  @Type(() => KnowledgeEntrySchema)
  knowledge: KnowledgeEntrySchema[];

  @IsString() @IsNotEmpty() fallback_answer: string;

  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(500) privacy_notice?: string;

  @IsOptional()
  @IsUrl(
    { protocols: ['https', 'http'], require_protocol: true },
    { message: 'must be an http(s) URL' },
  )
  privacy_url?: string;
}
