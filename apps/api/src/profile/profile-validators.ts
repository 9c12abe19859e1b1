import { registerDecorator, type ValidationArguments } from 'class-validator';
import type { LeadFieldKind, LeadFieldSpec } from './assistant-profile';

/* Checks of an assistant profile that class-validator does not have built in. */

/** Rejects an array in which two items share the value of `key`. */
export function UniqueBy(key: string): PropertyDecorator {
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
export function NotBelow(other: string): PropertyDecorator {
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
export function OnlyOnKind(kind: LeadFieldKind): PropertyDecorator {
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
export function MentionsField(): PropertyDecorator {
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
