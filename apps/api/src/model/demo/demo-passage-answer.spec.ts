import { answerFromPassages } from './demo-passage-answer';

describe('answerFromPassages', () => {
  const passages = [
    {
      title: 'policies.md',
      heading: 'Refund policy',
      content:
        'We want you to be happy. Refunds are paid within 14 days of a written request. Gift cards are not refundable. Contact the desk for help.',
    },
    { title: 'other.md', heading: null, content: 'Unrelated text.' },
  ];

  it('quotes the best passage’s sentences that share most words with the question, naming it', () => {
    expect(answerFromPassages(passages, 'How are refunds paid?')).toBe(
      'From policies.md (Refund policy): Refunds are paid within 14 days of a written request.',
    );
  });

  it('quotes the opening when no sentence shares a word with the question', () => {
    expect(answerFromPassages(passages, 'Tell me more')).toBe(
      'From policies.md (Refund policy): We want you to be happy. Refunds are paid within 14 days of a written request.',
    );
  });

  it('answers nothing without passages', () => {
    expect(answerFromPassages([], 'How are refunds paid?')).toBeUndefined();
  });
});
