import { readFileSync } from 'node:fs';
import type { AssistantProfileDefinition } from './assistant-profile';
import { checkProfile, readProfileYaml } from './profile-validation';

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

  const read = readProfileYaml(text);
  if (!read.ok) return fail(read.problems);
  if (read.value === null || typeof read.value !== 'object' || Array.isArray(read.value)) {
    return fail(['the file must hold a mapping (version, id, name, ...)']);
  }
  const checked = checkProfile(read.value);
  return checked.ok ? checked.profile : fail(checked.problems);
}
