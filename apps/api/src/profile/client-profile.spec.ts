import { defaultProfilePath } from '../config/profile.config';
import { toClientProfile } from './client-profile';
import { loadAssistantProfile } from './profile.loader';

describe('toClientProfile', () => {
  const definition = loadAssistantProfile(defaultProfilePath());

  it('shows the assistant and its fields, without instructions, rules or knowledge', () => {
    const profile = toClientProfile(definition, { model: 'demo', demo: true });

    expect(profile).toEqual({
      name: 'Trading education assistant',
      greeting: definition.greeting,
      model: 'demo',
      demo: true,
      privacy_notice: expect.stringContaining('a member of our team can follow up'),
      privacy_url: 'https://example.com/privacy',
      fields: [
        { name: 'name', label: 'Name', description: expect.any(String), required: true },
        { name: 'email', label: 'Email address', description: expect.any(String), required: true },
        { name: 'phone', label: 'Phone number', description: expect.any(String), required: false },
        { name: 'goals', label: 'Goals', description: expect.any(String), required: false },
        {
          name: 'experience',
          label: 'Trading experience',
          description: expect.any(String),
          required: true,
          options: ['beginner', 'intermediate', 'advanced'],
        },
      ],
    });
    expect(JSON.stringify(profile)).not.toContain('min_length');
  });

  it('names the configured model', () => {
    expect(toClientProfile(definition, { model: 'gpt-4o-mini', demo: false })).toMatchObject({
      model: 'gpt-4o-mini',
      demo: false,
    });
  });
});
