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
import { MentionsField, NotBelow, OnlyOnKind, UniqueBy } from './profile-validators';

/*
 * The assistant profile as written in its YAML file. Keys keep the file's snake_case so that a
 * problem reported by the loader names exactly the key to fix.
 */

export const SUPPORTED_PROFILE_VERSIONS = [1] as const;

export const LEAD_FIELD_KINDS = ['text', 'email', 'phone', 'choice'] as const;
export type LeadFieldKind = (typeof LEAD_FIELD_KINDS)[number];

/** A detail the assistant collects, with the rules a value must meet. */
export interface LeadFieldSpec {
  name: string;
  label: string;
  description: string;
  required: boolean;
  kind: LeadFieldKind;
  /** Allowed values of a `choice` field, in lower case. */
  options?: string[];
  min_length?: number;
  max_length?: number;
  /** How the assistant asks for it; it mentions the label or name, which is how a bare answer is recognised. */
  question?: string;
}

/** A question the offline demo model can answer. */
export interface KnowledgeEntry {
  id: string;
  keywords: string[];
  /** Markdown. */
  answer: string;
}

export interface AssistantProfileDefinition {
  version: (typeof SUPPORTED_PROFILE_VERSIONS)[number];
  id: string;
  name: string;
  persona: string;
  greeting: string;
  /** The model's instructions (system prompt), before the lead fields are appended. */
  instructions: string;
  fields: LeadFieldSpec[];
  knowledge: KnowledgeEntry[];
  /** The demo model's answer when no knowledge entry matches. */
  fallback_answer: string;
  /** Shown to visitors beside their details: what is collected and why. */
  privacy_notice?: string;
  /** The business's privacy policy, linked from the notice. */
  privacy_url?: string;
}

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
