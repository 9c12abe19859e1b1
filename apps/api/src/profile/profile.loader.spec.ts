import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { defaultProfilePath } from '../config/profile.config';
import { loadAssistantProfile } from './profile.loader';

describe('loadAssistantProfile', () => {
  let dir: string;
  const bundled = defaultProfilePath();
  const bundledYaml = () => parse(readFileSync(bundled, 'utf8'));

  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'profile-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : stringify(content));
    return path;
  };
  const problemsOf = (path: string): string => {
    try {
      loadAssistantProfile(path);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected the profile to be rejected');
  };

  it('loads the bundled trading-education profile', () => {
    const profile = loadAssistantProfile(bundled);

    expect(profile.version).toBe(1);
    expect(profile.name).toBe('Trading education assistant');
    expect(profile.fields.map((field) => [field.name, field.required, field.kind])).toEqual([
      ['name', true, 'text'],
      ['email', true, 'email'],
      ['phone', false, 'phone'],
      ['goals', false, 'text'],
      ['experience', true, 'choice'],
    ]);
    expect(profile.fields.find((field) => field.name === 'experience')?.options).toEqual([
      'beginner',
      'intermediate',
      'advanced',
    ]);
    expect(profile.knowledge.length).toBeGreaterThanOrEqual(10);
    expect(profile.knowledge.map((entry) => entry.id)).toContain('momentum-trading');
    expect(profile.fallback_answer).toMatch(/\S/);
    expect(Object.isFrozen(profile.fields[0])).toBe(true);
  });

  it('keeps every knowledge answer between 60 and 150 words', () => {
    for (const entry of loadAssistantProfile(bundled).knowledge) {
      const words = entry.answer.split(/\s+/).filter((word) => /\w/.test(word)).length;
      expect({ id: entry.id, ok: words >= 60 && words <= 150 }).toEqual({ id: entry.id, ok: true });
    }
  });

  it('names the file and a missing file', () => {
    const path = join(dir, 'nope.yaml');
    expect(problemsOf(path)).toBe(
      `Invalid assistant profile ${path}:\n  - cannot read the file (ENOENT)`,
    );
  });

  it('reports a YAML syntax error', () => {
    expect(problemsOf(write('syntax.yaml', 'version: 1\nfields: [name\n'))).toMatch(/YAML: /);
  });

  it('rejects an unknown version', () => {
    const message = problemsOf(write('v2.yaml', { ...bundledYaml(), version: 2 }));
    expect(message).toContain('v2.yaml');
    expect(message).toContain('version: unsupported profile version (supported: 1)');
  });

  it('rejects duplicate field names', () => {
    const profile = bundledYaml();
    profile.fields.push({ ...profile.fields[1], label: 'Another email' });
    expect(problemsOf(write('duplicates.yaml', profile))).toContain(
      'fields: duplicate name: email',
    );
  });

  it('names the path of every bad key', () => {
    const profile = bundledYaml();
    profile.fields[4].kind = 'number';
    profile.fields[0].options = ['x'];
    profile.fields[0].min_length = 50;
    profile.fields[0].max_length = 10;
    profile.fields[1].question = 'Where can we write to you?';
    profile.fields[2].mandatory = true;
    delete profile.knowledge[3].answer;
    delete profile.greeting;

    const message = problemsOf(write('bad.yaml', profile));

    expect(message).toContain('bad.yaml');
    expect(message).toContain('fields[4].kind: must be one of: text, email, phone, choice');
    expect(message).toContain('fields[0].options: only allowed on a field of kind choice');
    expect(message).toContain('fields[0].max_length: must not be below min_length');
    expect(message).toContain('fields[1].question: must mention the field label or name');
    expect(message).toContain('fields[2].mandatory: unknown key');
    expect(message).toContain('knowledge[3].answer: is required');
    expect(message).toContain('greeting: is required');
  });

  it('takes a privacy notice and an http(s) link to the privacy policy, nothing else', () => {
    const profile = bundledYaml();
    profile.privacy_url = 'javascript:alert(1)';
    profile.privacy_notice = 'x'.repeat(501);
    const message = problemsOf(write('privacy.yaml', profile));
    expect(message).toContain('privacy_url: must be an http(s) URL');
    expect(message).toContain('privacy_notice: must be shorter than or equal to 500 characters');
  });

  it('requires options on a choice field', () => {
    const profile = bundledYaml();
    delete profile.fields[4].options;
    expect(problemsOf(write('choice.yaml', profile))).toContain('fields[4].options: is required');
  });

  it('rejects a file that is not a mapping', () => {
    expect(problemsOf(write('list.yaml', '- 1\n- 2\n'))).toContain('the file must hold a mapping');
  });
});
