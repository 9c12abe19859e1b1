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
  Matches,
  Max,
  Min,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';

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
}

const IDENTIFIER = /^[a-z][a-z0-9_-]*$/;

/** Rejects an array in which two items share the value of `key`. */
function UniqueBy(key: string): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'uniqueBy',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => {
          if (!Array.isArray(value)) return true;
          const seen = value.map((item) => (item as Record<string, unknown>)?.[key]);
          return new Set(seen).size === seen.length;
        },
        defaultMessage: (args?: ValidationArguments) => {
          const items = Array.isArray(args?.value) ? (args.value as Record<string, unknown>[]) : [];
          const names = items.map((item) => item?.[key]);
          const duplicates = names.filter((name, index) => names.indexOf(name) !== index);
          return `duplicate ${key}: ${[...new Set(duplicates)].join(', ')}`;
        },
      },
    });
}

/** Rejects a value smaller than the sibling property `other` (when both are set). */
function NotBelow(other: string): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'notBelow',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [other],
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          const bound = (args?.object as Record<string, unknown>)[other];
          return typeof value !== 'number' || typeof bound !== 'number' || value >= bound;
        },
        defaultMessage: () => `must not be below ${other}`,
      },
    });
}

/** Rejects a property set on a field of another kind (options on a text field, say). */
function OnlyOnKind(kind: LeadFieldKind): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'onlyOnKind',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) =>
          value === undefined || (args?.object as LeadFieldSpec).kind === kind,
        defaultMessage: () => `only allowed on a field of kind ${kind}`,
      },
    });
}

/** The demo model recognises a bare answer by the field its question mentions. */
function MentionsField(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'mentionsField',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          const field = args?.object as LeadFieldSpec;
          const text = String(value).toLowerCase();
          return [field.label, field.name].some(
            (word) => typeof word === 'string' && text.includes(word.toLowerCase()),
          );
        },
        defaultMessage: () => 'must mention the field label or name',
      },
    });
}

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
}
