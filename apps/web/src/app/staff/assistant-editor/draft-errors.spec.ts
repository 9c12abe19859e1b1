import { controlId, controlOf, draftProblems } from './draft-errors';

describe('draftProblems', () => {
  it('puts each problem beside its control and keeps the ones the form does not show', () => {
    const problems = draftProblems(
      'The draft is invalid: fields[2].kind: must be one of: text, email, phone, choice; ' +
        'appearance.position: must be one of: bottom-right, bottom-left; ' +
        'knowledge[0].answer: is required; greeting: must be shorter than or equal to 1000 characters.',
    );
    expect(problems.byControl).toEqual({
      'fields[2].kind': ['must be one of: text, email, phone, choice'],
      'appearance.position': ['must be one of: bottom-right, bottom-left'],
      greeting: ['must be shorter than or equal to 1000 characters'],
    });
    expect(problems.unmapped).toEqual(['knowledge[0].answer: is required']);
  });

  it('keeps the several reasons of one key together', () => {
    const problems = draftProblems(
      'The draft is invalid: fields[0].options: only allowed on a field of kind choice; each option must be lower case; name: should not be empty.',
    );
    expect(problems.byControl).toEqual({
      'fields[0].options': [
        'only allowed on a field of kind choice; each option must be lower case',
      ],
      name: ['should not be empty'],
    });
    expect(problems.unmapped).toEqual([]);
  });

  it('names a message that is no list of keys in the summary', () => {
    expect(draftProblems('The draft must be a JSON object of profile keys.')).toEqual({
      byControl: {},
      unmapped: ['The draft must be a JSON object of profile keys'],
    });
  });
});

describe('controlOf', () => {
  it.each([
    ['fields', 'fields'],
    ['fields[3]', 'fields[3]'],
    ['fields[3].options[1]', 'fields[3].options'],
    ['fields[3].unknown', 'fields[3]'],
    ['appearance.accent_color', 'appearance.accent_color'],
    ['appearance', 'appearance'],
    ['allowed_origins[4]', 'allowed_origins'],
    ['notifications.email_recipients[1]', 'email_recipients'],
    ['notifications.webhook_url', 'webhook_url'],
    ['notifications', 'email_recipients'],
    ['privacy_url', 'privacy_url'],
    ['knowledge[1].keywords', null],
    ['version', null],
    ['id', null],
  ])('%s is shown by %s', (path, control) => {
    expect(controlOf(path)).toBe(control);
  });

  it('gives each control an element id', () => {
    expect(controlId('fields[2].kind')).toBe('ae-fields-2-kind');
    expect(controlId('appearance.accent_color')).toBe('ae-appearance-accent-color');
  });
});
