import { readFileSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { parseDocument } from 'yaml';
import type { AssistantProfileDefinition } from './assistant-profile';
import { AssistantProfileSchema } from './profile-schema';

/**
 * Reads and validates an assistant profile file. Throws one Error that names the file and every
 * problem by the path of its key (`fields[2].kind: ...`), so a bad profile stops the start with
 * something the operator can fix.
 */
export function loadAssistantProfile(path: string): AssistantProfileDefinition {
  const fail = (problems: string[]): never => {
    throw new Error(`Invalid assistant profile ${path}:\n  - ${problems.join('\n  - ')}`);
  };

  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return fail([`cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }

  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    return fail(document.errors.map((error) => `YAML: ${error.message.split('\n')[0]}`));
  }
  const parsed: unknown = document.toJS();
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return fail(['the file must hold a mapping (version, id, name, ...)']);
  }

  const profile = plainToInstance(AssistantProfileSchema, parsed);
  const errors = validateSync(profile, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) fail(errors.flatMap((error) => describe(error, '')));
  return deepFreeze(profile);
}

function describe(error: ValidationError, parent: string): string[] {
  const key = /^\d+$/.test(error.property) ? `[${error.property}]` : error.property;
  const path = parent === '' ? key : key.startsWith('[') ? `${parent}${key}` : `${parent}.${key}`;
  const constraints = error.constraints ?? {};
  if (error.value === undefined && Object.keys(constraints).length > 0)
    return [`${path}: is required`];
  const own = Object.values(constraints).map((message) => tidy(message, error.property));
  // The items of something that is not even a list are not worth reporting one by one.
  const children = constraints['isArray'] ? [] : (error.children ?? []);
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
