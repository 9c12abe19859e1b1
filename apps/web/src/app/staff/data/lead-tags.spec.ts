import { LEAD_TAGS_MAX } from '@chat/contracts';
import { withoutTag, withTag } from './lead-tags';

describe('lead tags', () => {
  it('adds a tag as the API stores it: trimmed, lower case, once, sorted', () => {
    expect(withTag(['vip'], '  Callback ')).toEqual({ tags: ['callback', 'vip'] });
    expect(withTag(['vip'], 'VIP')).toEqual({ tags: ['vip'] });
    expect(withoutTag(['callback', 'vip'], 'vip')).toEqual(['callback']);
  });

  it('says why a tag cannot be added', () => {
    expect(withTag([], '   ')).toEqual({ error: 'Type a tag first.' });
    expect(withTag([], 'two words')).toMatchObject({ error: expect.stringContaining('letters') });
    expect(withTag([], 'x'.repeat(41))).toMatchObject({ error: expect.any(String) });
    const full = Array.from({ length: LEAD_TAGS_MAX }, (_, i) => `t${i}`);
    expect(withTag(full, 'one-more')).toEqual({
      error: `A lead has at most ${LEAD_TAGS_MAX} tags.`,
    });
  });
});
