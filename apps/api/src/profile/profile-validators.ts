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

/** Hosts a page may be served from over plain http: a developer's own machine. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether `value` is a web origin as a browser sends it: `https://host[:port]`, http only for localhost. */
export function isWebOrigin(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const schemeAllowed =
    url.protocol === 'https:' || (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname));
  return schemeAllowed && url.origin === value;
}

/** Each item is a web origin (see {@link isWebOrigin}). */
export function EachWebOrigin(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'eachWebOrigin',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => !Array.isArray(value) || value.every(isWebOrigin),
        defaultMessage: (args?: ValidationArguments) => {
          const bad = Array.isArray(args?.value) ? args.value.filter((v) => !isWebOrigin(v)) : [];
          return `each origin must be https://host[:port] (http only for localhost), not ${bad.map((v) => JSON.stringify(v)).join(', ')}`;
        },
      },
    });
}
