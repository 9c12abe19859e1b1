import type { LeadSummary } from '@chat/contracts';
import { titleWithUnread, unreadMayChange } from './unread-leads';

const lead = (id: string, unread: boolean) => ({
  type: 'lead' as const,
  lead: { id, unread } as LeadSummary,
});

describe('the unread count', () => {
  it('is read again for a lead newly heard of, a changed mark, an erasure or a resync, not for the same mark again', () => {
    const known = new Map<string, boolean>();
    expect(unreadMayChange(known, lead('a', true))).toBe(true);
    expect(unreadMayChange(known, lead('a', true))).toBe(false);
    expect(unreadMayChange(known, lead('a', false))).toBe(true);
    expect(unreadMayChange(known, lead('a', false))).toBe(false);
    expect(unreadMayChange(known, { type: 'lead_erased', id: 'a' })).toBe(true);
    expect(known.has('a')).toBe(false);
    unreadMayChange(known, lead('b', true));
    expect(unreadMayChange(known, { type: 'resync' })).toBe(true);
    expect(known.size).toBe(0);
  });

  it('goes in front of the page title, once, and not at all when there are none', () => {
    expect(titleWithUnread('Leads · Staff', 3)).toBe('(3) Leads · Staff');
    expect(titleWithUnread('(3) Leads · Staff', 4)).toBe('(4) Leads · Staff');
    expect(titleWithUnread('(3) Leads · Staff', 0)).toBe('Leads · Staff');
    expect(titleWithUnread('Leads · Staff', null)).toBe('Leads · Staff');
  });
});
