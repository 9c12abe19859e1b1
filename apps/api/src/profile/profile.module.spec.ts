import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { defaultProfilePath } from '../config/profile.config';
import type { AssistantProfileDefinition } from './assistant-profile';
import { ProfileModule } from './profile.module';
import { ASSISTANT_PROFILE } from './profile.tokens';

describe('ProfileModule', () => {
  const saved = process.env['PROFILE_PATH'];
  let dir: string;

  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'profile-module-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => {
    if (saved === undefined) delete process.env['PROFILE_PATH'];
    else process.env['PROFILE_PATH'] = saved;
  });

  it('provides the bundled profile by default', async () => {
    delete process.env['PROFILE_PATH'];
    const moduleRef = await Test.createTestingModule({ imports: [ProfileModule] }).compile();

    const profile = moduleRef.get<AssistantProfileDefinition>(ASSISTANT_PROFILE);

    expect(defaultProfilePath()).toMatch(/assets[\\/]profiles[\\/]trading-education\.v1\.yaml$/);
    expect(profile.id).toBe('trading-education');
    await moduleRef.close();
  });

  it('loads the file PROFILE_PATH names', async () => {
    const path = join(dir, 'mini.yaml');
    writeFileSync(
      path,
      [
        'version: 1',
        'id: mini',
        'name: Mini',
        'persona: A tester.',
        'greeting: Hello.',
        'instructions: Be brief.',
        'fields:',
        '  - { name: email, label: Email, description: Where to write, required: true, kind: email }',
        'knowledge: []',
        'fallback_answer: I do not know.',
      ].join('\n'),
    );
    process.env['PROFILE_PATH'] = path;
    const moduleRef = await Test.createTestingModule({ imports: [ProfileModule] }).compile();

    expect(moduleRef.get<AssistantProfileDefinition>(ASSISTANT_PROFILE).name).toBe('Mini');
    await moduleRef.close();
  });

  it('stops the start on a bad profile, naming the file and the problem', async () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'version: 7\n');
    process.env['PROFILE_PATH'] = path;

    await expect(Test.createTestingModule({ imports: [ProfileModule] }).compile()).rejects.toThrow(
      new RegExp(
        `Invalid assistant profile ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:[\\s\\S]*version: unsupported`,
      ),
    );
  });
});
