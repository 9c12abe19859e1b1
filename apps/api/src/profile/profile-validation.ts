import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { parseDocument } from 'yaml';
import type { AssistantProfileDefinition } from './assistant-profile';
import { AssistantProfileSchema } from './profile-schema';

/*
 * The one check of a profile, wherever it comes from: the file at start, an imported YAML or
 * JSON assistant, the editor's draft, a publish. Every problem is named by the path of its key
 * (`fields[2].kind: ...`), so the person who wrote it knows what to fix.
 */

export type ProfileCheck =
  { ok: true; profile: AssistantProfileDefinition } | { ok: false; problems: string[] };

/** Validates a plain value as a profile; the profile answered is a frozen copy without unknown parts. */
export function checkProfile(plain: unknown): ProfileCheck {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    return { ok: false, problems: ['the profile must be a mapping (version, id, name, ...)'] };
  }
  const profile = plainToInstance(AssistantProfileSchema, plain);
  const errors = validateSync(profile, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    return { ok: false, problems: errors.flatMap((error) => describe(error, '')) };
  }
  // A plain copy: class instances would carry their prototypes into JSON columns and YAML.
  return { ok: true, profile: deepFreeze(structuredClone({ ...profile })) };
}

/** Reads the text of a profile file: its YAML problems, or the value it holds (not yet checked). */
export function readProfileYaml(
  text: string,
): { ok: true; value: unknown } | { ok: false; problems: string[] } {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map(
        (error) => `YAML: ${error.message.split('\n')[0].replace(/:$/, '')}`,
      ),
    };
  }
  return { ok: true, value: document.toJS() };
}

function describe(error: ValidationError, parent: string): string[] {
  const key = /^\d+$/.test(error.property) ? `[${error.property}]` : error.property;
  const path = parent === '' ? key : key.startsWith('[') ? `${parent}${key}` : `${parent}.${key}`;
  const constraints = error.constraints ?? {};
  if (error.value === undefined && Object.keys(constraints).length > 0)
    return [`${path}: is required`];
  // "must be an object" says it; ValidateNested's own complaint about the same value is noise.
  const own = Object.entries(constraints)
    .filter(([name]) => !(name === 'nestedValidation' && constraints['isObject']))
    .map(([, message]) => tidy(message, error.property));
  // The items of something that is not even a list (or a mapping) are not worth reporting one by one.
  const children = constraints['isArray'] || constraints['isObject'] ? [] : (error.children ?? []);
  return [
    ...(own.length > 0 ? [`${path}: ${own.join('; ')}`] : []),
    ...children.flatMap((child) => describe(child, path)),
  ];
}

/** class-validator prefixes most messages with the property name, which the path already gives. */
function tidy(message: string, property: string): string {
  if (message === `property ${property} should not exist`) return 'unknown key';
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
