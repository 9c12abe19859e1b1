import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { defaultProfilePath } from '../config/profile.config';
import { PROFILE_LIMITS } from './assistant-profile';
import { AssistantAppearanceSchema } from './profile-schema';
import { checkProfile } from './profile-validation';
import { isWebOrigin } from './profile-validators';

const bundled = () => parse(readFileSync(defaultProfilePath(), 'utf8'));

const appearance = {
  title: 'Trading help',
  accent_color: '#0a7cff',
  launcher_label: 'Ask us',
  position: 'bottom-left',
  avatar_url: 'https://cdn.example.com/avatar.png',
};

function problemsOf(profile: unknown): string[] {
  const checked = checkProfile(profile);
  if (checked.ok) throw new Error('expected the profile to be rejected');
  return checked.problems;
}

describe('checkProfile: the assistant keys', () => {
  it('accepts appearance, allowed origins, a privacy notice and notifications, as plain data', () => {
    const checked = checkProfile({
      ...bundled(),
      appearance,
      allowed_origins: [
        'https://www.example.com',
        'https://shop.example.com:8443',
        'http://localhost:4200',
      ],
      notifications: {
        email_recipients: ['sales@example.com'],
        webhook_url: 'https://hooks.example.com/x',
      },
    });
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.profile.appearance).toEqual(appearance);
    expect(checked.profile.appearance).not.toBeInstanceOf(AssistantAppearanceSchema);
    expect(JSON.parse(JSON.stringify(checked.profile)).notifications).toEqual({
      email_recipients: ['sales@example.com'],
      webhook_url: 'https://hooks.example.com/x',
    });
  });

  it('names every wrong key with its path', () => {
    const profile = bundled();
    profile.fields[2].kind = 'number';
    profile.colour = 'blue';
    const problems = problemsOf({
      ...profile,
      appearance: {
        ...appearance,
        accent_color: 'red',
        position: 'top',
        avatar_url: 'http://cdn.example.com/a.png',
        shadow: true,
      },
      allowed_origins: ['https://ok.example', 'http://example.com', 'https://example.com/path'],
      notifications: { email_recipients: ['not-an-email'], webhook_url: 'ftp://x' },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'fields[2].kind: must be one of: text, email, phone, choice',
        'colour: unknown key',
        'appearance.accent_color: must be a colour as #rrggbb',
        'appearance.position: must be one of: bottom-right, bottom-left',
        'appearance.avatar_url: must be an https URL',
        'appearance.shadow: unknown key',
        expect.stringMatching(
          /^allowed_origins: each origin must be .*"http:\/\/example.com", "https:\/\/example.com\/path"$/,
        ),
        'notifications.email_recipients: each recipient must be an email address',
        'notifications.webhook_url: must be an http(s) URL',
      ]),
    );
    expect(problems).toHaveLength(9);
  });

  it('names a missing key of a nested mapping, and a mapping that is not one', () => {
    expect(problemsOf({ ...bundled(), appearance: { title: 'x' } })).toEqual(
      expect.arrayContaining([
        'appearance.accent_color: is required',
        'appearance.position: is required',
      ]),
    );
    expect(problemsOf({ ...bundled(), appearance: 'blue', notifications: [] })).toEqual([
      'appearance: must be an object',
      'notifications: must be an object',
    ]);
  });

  it('bounds the sizes', () => {
    const profile = bundled();
    const field = profile.fields[0];
    profile.fields = Array.from({ length: PROFILE_LIMITS.fields + 1 }, (_, i) => ({
      ...field,
      name: `f${i}`,
    }));
    profile.persona = 'x'.repeat(PROFILE_LIMITS.persona + 1);
    profile.greeting = 'x'.repeat(PROFILE_LIMITS.greeting + 1);
    profile.instructions = 'x'.repeat(PROFILE_LIMITS.instructions + 1);
    const choice = bundled().fields.find((f: { kind: string }) => f.kind === 'choice');
    choice.options = Array.from({ length: PROFILE_LIMITS.options + 1 }, (_, i) => `o${i}`);
    profile.fields[1] = { ...choice, name: 'level' };
    const problems = problemsOf({
      ...profile,
      allowed_origins: Array.from({ length: 21 }, (_, i) => `https://s${i}.example.com`),
      notifications: {
        email_recipients: Array.from({ length: 21 }, (_, i) => `a${i}@example.com`),
      },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'fields: must contain no more than 30 elements',
        'fields[1].options: must contain no more than 50 elements',
        'persona: must be shorter than or equal to 4000 characters',
        'greeting: must be shorter than or equal to 1000 characters',
        'instructions: must be shorter than or equal to 20000 characters',
        'allowed_origins: must contain no more than 20 elements',
        'notifications.email_recipients: must contain no more than 20 elements',
      ]),
    );
  });

  it('takes an assistant id as the profile id', () => {
    expect(checkProfile({ ...bundled(), id: '2nd-assistant' }).ok).toBe(true);
    expect(problemsOf({ ...bundled(), id: 'Trading_Assistant' })).toEqual([
      'id: must be 1 to 64 of a-z, 0-9 and -',
    ]);
    expect(problemsOf({ ...bundled(), id: 'a'.repeat(65) })).toEqual([
      'id: must be 1 to 64 of a-z, 0-9 and -',
    ]);
  });
});

describe('isWebOrigin', () => {
  it.each([
    ['https://example.com', true],
    ['https://example.com:8443', true],
    ['http://localhost:4200', true],
    ['http://127.0.0.1:8080', true],
    ['http://example.com', false],
    ['https://example.com/', false],
    ['https://example.com/path', false],
    ['https://user@example.com', false],
    ['ftp://example.com', false],
    ['example.com', false],
    [42, false],
  ])('%s → %s', (value, expected) => expect(isWebOrigin(value)).toBe(expected));
});
