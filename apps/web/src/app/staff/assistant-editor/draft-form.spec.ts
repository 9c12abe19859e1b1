import type { AssistantDraft } from '@chat/contracts';
import { draftToForm, formToDraft, newLeadField } from './draft-form';

const DRAFT: AssistantDraft = {
  version: 1,
  id: 'sales',
  name: 'Sales',
  persona: 'Friendly',
  greeting: 'Hello!',
  instructions: 'Help.',
  fields: [
    {
      name: 'email',
      label: 'Email',
      description: 'Where to answer',
      kind: 'email',
      required: true,
      question: 'Your email?',
    },
    {
      name: 'size',
      label: 'Size',
      description: 'Team size',
      kind: 'choice',
      required: false,
      options: ['small', 'large'],
      min_length: 1,
      max_length: 20,
      future_key: 'kept',
    },
  ],
  knowledge: [{ id: 'pricing', keywords: ['price'], answer: 'It is **cheap**.' }],
  fallback_answer: 'Ask us.',
  privacy_notice: 'We keep your email.',
  privacy_url: 'https://example.com/privacy',
  appearance: {
    title: 'Sales',
    accent_color: '#112233',
    launcher_label: 'Talk',
    position: 'bottom-left',
    avatar_url: 'https://example.com/a.png',
  },
  allowed_origins: ['https://example.com', 'https://shop.example.com:8443'],
  notifications: {
    email_recipients: ['a@example.com', 'b@example.com'],
    webhook_url: 'https://hooks.example.com/x',
  },
  later_key: { nested: true },
};

describe('draft ↔ form', () => {
  it('gives back the draft unchanged, keys the form does not show included', () => {
    expect(formToDraft(draftToForm(DRAFT), DRAFT)).toEqual(DRAFT);
  });

  it('leaves out what a minimal draft leaves out', () => {
    const minimal: AssistantDraft = {
      name: 'A',
      persona: 'P',
      greeting: 'G',
      instructions: 'I',
      fallback_answer: 'F',
      knowledge: [],
      fields: [{ name: 'email', label: 'Email', description: 'D', kind: 'email', required: true }],
    };
    expect(formToDraft(draftToForm(minimal), minimal)).toEqual(minimal);
  });

  it('writes what was changed: lists one a line, numbers, options only on choices, a new field', () => {
    const form = draftToForm(DRAFT);
    form.greeting = 'Welcome!';
    form.fields[1].kind = 'text';
    form.fields[1].max_length = '';
    form.fields[1].min_length = 'two';
    form.fields.push({
      ...newLeadField(),
      name: 'company',
      label: 'Company',
      description: 'Employer',
      kind: 'choice',
      options: 'acme\n\n Big Co \n',
    });
    form.allowed_origins = 'https://a.example\n';
    form.email_recipients = 'c@example.com, d@example.com';
    form.webhook_url = '';
    form.custom_appearance = false;
    const draft = formToDraft(form, DRAFT);
    expect(draft['greeting']).toBe('Welcome!');
    expect(draft['knowledge']).toEqual(DRAFT['knowledge']);
    expect(draft['fields']).toEqual([
      (DRAFT['fields'] as unknown[])[0],
      {
        name: 'size',
        label: 'Size',
        description: 'Team size',
        kind: 'text',
        required: false,
        min_length: 'two',
        future_key: 'kept',
      },
      {
        name: 'company',
        label: 'Company',
        description: 'Employer',
        kind: 'choice',
        required: false,
        options: ['acme', 'Big Co'],
      },
    ]);
    expect(draft['allowed_origins']).toEqual(['https://a.example']);
    expect(draft['notifications']).toEqual({
      email_recipients: ['c@example.com', 'd@example.com'],
    });
    expect(draft).not.toHaveProperty('appearance');
  });
});
