import type { LeadFieldSpec } from '../profile/assistant-profile';
import { validateLeadField } from './lead-field-validator';

const field = (spec: Partial<LeadFieldSpec> & Pick<LeadFieldSpec, 'kind'>): LeadFieldSpec => ({
  name: 'x',
  label: 'X',
  description: 'x',
  required: true,
  ...spec,
});

describe('validateLeadField', () => {
  const name = field({ kind: 'text', min_length: 2, max_length: 100 });
  const email = field({ kind: 'email', max_length: 254 });
  const phone = field({ kind: 'phone' });
  const experience = field({ kind: 'choice', options: ['beginner', 'intermediate', 'advanced'] });

  it('trims and collapses spaces in text', () => {
    expect(validateLeadField(name, '  Ana \n  Silva ')).toBe('Ana Silva');
  });

  it('enforces text length', () => {
    expect(validateLeadField(name, 'A')).toBeUndefined();
    expect(validateLeadField(name, 'Al')).toBe('Al');
    expect(validateLeadField(name, 'a'.repeat(100))).toBe('a'.repeat(100));
    expect(validateLeadField(name, 'a'.repeat(101))).toBeUndefined();
  });

  it('rejects empty and non-string values', () => {
    expect(validateLeadField(name, '   ')).toBeUndefined();
    expect(validateLeadField(name, null)).toBeUndefined();
    expect(validateLeadField(name, 42)).toBeUndefined();
    expect(validateLeadField(name, undefined)).toBeUndefined();
  });

  it('accepts valid email addresses in lower case', () => {
    expect(validateLeadField(email, ' Ana.Silva+news@Example.COM ')).toBe(
      'ana.silva+news@example.com',
    );
  });

  it.each([
    'ana',
    'ana@',
    'ana@example',
    '@example.com',
    'ana silva@example.com',
    'ana@@example.com',
  ])('rejects the email %p', (value) => expect(validateLeadField(email, value)).toBeUndefined());

  it.each([
    ['+44 20 7946 0958', '+44 20 7946 0958'],
    ['(555) 123-4567', '(555) 123-4567'],
    ['555.123.4567', '555.123.4567'],
    ['+351  912 345 678', '+351 912 345 678'],
  ])('accepts the phone %p', (value, expected) =>
    expect(validateLeadField(phone, value)).toBe(expected),
  );

  it.each([
    '12345',
    '123-45-6',
    'call me maybe',
    '+44 20 7946 0958 ext 12',
    '1'.repeat(21),
    '+-() ..---',
  ])('rejects the phone %p', (value) => expect(validateLeadField(phone, value)).toBeUndefined());

  it('accepts a choice in any case, stored in lower case', () => {
    expect(validateLeadField(experience, ' Beginner ')).toBe('beginner');
    expect(validateLeadField(experience, 'ADVANCED')).toBe('advanced');
  });

  it('rejects a value that is not one of the options', () => {
    expect(validateLeadField(experience, 'expert')).toBeUndefined();
    expect(validateLeadField(field({ kind: 'choice' }), 'beginner')).toBeUndefined();
  });
});
