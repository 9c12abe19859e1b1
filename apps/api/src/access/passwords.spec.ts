import { weakPasswordReason } from './passwords';

describe('weakPasswordReason', () => {
  it('accepts long phrases of unrelated words', () => {
    for (const password of [
      'correct horse battery staple',
      'another long passphrase',
      'Tr0ub4dor&3 was here',
    ]) {
      expect(weakPasswordReason(password, 'agent@example.com')).toBeUndefined();
    }
  });

  it('refuses the most common passwords and their usual variations, though long enough', () => {
    for (const password of [
      'password1234',
      '123456789012',
      'qwertyuiop123',
      'P@ssw0rd1234',
      'iloveyou1234',
      'aaaaaaaaaaaa',
    ]) {
      expect(weakPasswordReason(password, 'agent@example.com')).toMatch(
        /too common or too easy to guess/,
      );
    }
  });

  it('refuses the email, or a password containing it or its name part, whatever the case', () => {
    expect(weakPasswordReason('ada.lovelace@example.com', 'Ada.Lovelace@Example.com')).toMatch(
      /email address/,
    );
    expect(weakPasswordReason('my ADA.LOVELACE plus words', 'ada.lovelace@example.com')).toMatch(
      /email address/,
    );
    expect(weakPasswordReason('ada.lovelace1815', 'ada.lovelace@example.com')).toMatch(
      /email address/,
    );
    // A name part of one or two letters is in too many good passwords to count.
    expect(weakPasswordReason('a long enough phrase', 'al@example.com')).toBeUndefined();
  });

  it('refuses passwords out of the length bounds', () => {
    expect(weakPasswordReason('short', 'agent@example.com')).toMatch(/12 to 256 characters/);
    expect(weakPasswordReason('x'.repeat(257), 'agent@example.com')).toMatch(
      /12 to 256 characters/,
    );
  });
});
