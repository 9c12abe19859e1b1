// @Type() below reads design-time metadata; load the polyfill here so the loader works outside Nest.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsEmail,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
  type ValidationArguments,
} from 'class-validator';
import {
  ASSISTANT_POSITIONS,
  type AssistantAppearance,
  type AssistantHandoff,
  type AssistantNotifications,
  type AssistantPosition,
  type Weekday,
} from '@chat/contracts';
import { isTimeZone, openingDaysProblem } from '../conversations/opening-hours';
import {
  LEAD_FIELD_KINDS,
  PROFILE_LIMITS as LIMITS,
  SUPPORTED_PROFILE_VERSIONS,
  type AssistantProfileDefinition,
  type KnowledgeEntry,
  type LeadFieldKind,
  type LeadFieldSpec,
} from './assistant-profile';
import { EachWebOrigin, MentionsField, NotBelow, OnlyOnKind, UniqueBy } from './profile-validators';

/*
 * The checks a profile read from YAML must pass, as class-validator schemas of the shapes in
 * `assistant-profile.ts`. They live apart from those shapes so that the custom validators, which
 * read the shapes, and the schemas, which use the validators, do not import each other.
 */

const IDENTIFIER = /^[a-z][a-z0-9_-]*$/;

/** An assistant's id (PROTOCOL.md, Assistants): it is also the profile's `id`. */
export const ASSISTANT_ID = /^[a-z0-9-]{1,64}$/;
export const ASSISTANT_ID_MESSAGE = 'must be 1 to 64 of a-z, 0-9 and -';

/** class-validator's nested objects: a plain object turned into `type`, and one of it, not a list. */
const Nested = (type: () => new () => object): PropertyDecorator => {
  const decorators = [IsObject(), ValidateNested(), Type(type)];
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
};

export class LeadFieldSpecSchema implements LeadFieldSpec {
  @Matches(IDENTIFIER, { message: 'must be an identifier (lower case letters, digits, _ or -)' })
  name: string;

  @IsString() @IsNotEmpty() @MaxLength(LIMITS.field_text) label: string;

  @IsString() @IsNotEmpty() @MaxLength(LIMITS.field_text) description: string;

  @IsBoolean() required: boolean;

  @IsIn(LEAD_FIELD_KINDS, { message: `must be one of: ${LEAD_FIELD_KINDS.join(', ')}` })
  kind: LeadFieldKind;

  @ValidateIf(
    (field: LeadFieldSpecSchema) => field.kind === 'choice' || field.options !== undefined,
  )
  @OnlyOnKind('choice')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LIMITS.options)
  @MaxLength(LIMITS.field_text, { each: true })
  @Matches(/^[a-z0-9][a-z0-9 _-]*$/, { each: true, message: 'each option must be lower case' })
  options?: string[];

  @IsOptional() @IsInt() @Min(0) @Max(10_000) min_length?: number;

  @IsOptional() @IsInt() @Min(1) @Max(10_000) @NotBelow('min_length') max_length?: number;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.field_text)
  @MentionsField()
  question?: string;
}

export class KnowledgeEntrySchema implements KnowledgeEntry {
  @Matches(IDENTIFIER, { message: 'must be an identifier (lower case letters, digits, _ or -)' })
  id: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LIMITS.keywords)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(LIMITS.field_text, { each: true })
  keywords: string[];

  @IsString() @IsNotEmpty() @MaxLength(LIMITS.answer) answer: string;
}

export class AssistantAppearanceSchema implements AssistantAppearance {
  @IsString() @IsNotEmpty() @MaxLength(LIMITS.name) title: string;

  @Matches(/^#[0-9a-fA-F]{6}$/, { message: 'must be a colour as #rrggbb' })
  accent_color: string;

  @IsString() @IsNotEmpty() @MaxLength(LIMITS.name) launcher_label: string;

  @IsIn(ASSISTANT_POSITIONS, { message: `must be one of: ${ASSISTANT_POSITIONS.join(', ')}` })
  position: AssistantPosition;

  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true }, { message: 'must be an https URL' })
  avatar_url?: string;
}

export class AssistantNotificationsSchema implements AssistantNotifications {
  @IsArray()
  @ArrayMaxSize(LIMITS.email_recipients)
  @IsEmail({}, { each: true, message: 'each recipient must be an email address' })
  email_recipients: string[];

  @IsOptional()
  @IsUrl(
    { protocols: ['https', 'http'], require_protocol: true, require_tld: false },
    { message: 'must be an http(s) URL' },
  )
  webhook_url?: string;
}

@ValidatorConstraint({ name: 'timeZone' })
class TimeZoneConstraint implements ValidatorConstraintInterface {
  validate = (value: unknown) => isTimeZone(value);
  defaultMessage = () => 'must be an IANA time zone, such as Europe/Paris';
}

@ValidatorConstraint({ name: 'openingDays' })
class OpeningDaysConstraint implements ValidatorConstraintInterface {
  validate = (value: unknown) => openingDaysProblem(value) === undefined;
  defaultMessage = (args?: ValidationArguments) => openingDaysProblem(args?.value) ?? '';
}

export class OpeningHoursSchema implements NonNullable<AssistantHandoff['hours']> {
  @Validate(TimeZoneConstraint) time_zone: string;
  @Validate(OpeningDaysConstraint) days: Partial<Record<Weekday, string[]>>;
}

export class AssistantHandoffSchema implements AssistantHandoff {
  @IsOptional() @Nested(() => OpeningHoursSchema) hours?: OpeningHoursSchema;
}

export class AssistantProfileSchema implements AssistantProfileDefinition {
  @IsIn(SUPPORTED_PROFILE_VERSIONS, {
    message: `unsupported profile version (supported: ${SUPPORTED_PROFILE_VERSIONS.join(', ')})`,
  })
  version: 1;

  @Matches(ASSISTANT_ID, { message: ASSISTANT_ID_MESSAGE })
  id: string;

  @IsString() @IsNotEmpty() @MaxLength(LIMITS.name) name: string;
  @IsString() @IsNotEmpty() @MaxLength(LIMITS.persona) persona: string;
  @IsString() @IsNotEmpty() @MaxLength(LIMITS.greeting) greeting: string;
  @IsString() @IsNotEmpty() @MaxLength(LIMITS.instructions) instructions: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LIMITS.fields)
  @UniqueBy('name')
  @ValidateNested({ each: true })
  @Type(() => LeadFieldSpecSchema)
  fields: LeadFieldSpecSchema[];

  @IsArray()
  @ArrayMaxSize(LIMITS.knowledge)
  @UniqueBy('id')
  @ValidateNested({ each: true })
  @Type(() => KnowledgeEntrySchema)
  knowledge: KnowledgeEntrySchema[];

  @IsString() @IsNotEmpty() @MaxLength(LIMITS.fallback_answer) fallback_answer: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.privacy_notice)
  privacy_notice?: string;

  @IsOptional()
  @IsUrl(
    { protocols: ['https', 'http'], require_protocol: true },
    { message: 'must be an http(s) URL' },
  )
  privacy_url?: string;

  @IsOptional() @Nested(() => AssistantAppearanceSchema) appearance?: AssistantAppearanceSchema;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIMITS.allowed_origins)
  @EachWebOrigin()
  allowed_origins?: string[];

  @IsOptional()
  @Nested(() => AssistantNotificationsSchema)
  notifications?: AssistantNotificationsSchema;

  @IsOptional() @Nested(() => AssistantHandoffSchema) handoff?: AssistantHandoffSchema;
}
