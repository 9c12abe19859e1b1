import type { LeadSummary } from '@chat/contracts';
import {
  applyFeedEvent,
  NO_FILTERS,
  filtersFrom,
  leadQuery,
  leadTitle,
  matchesQuery,
  parseFeedEvent,
  queryParams,
} from './lead-list';

function lead(id: string, createdAt: string, over: Partial<LeadSummary> = {}): LeadSummary {
  return {
    id,
    session_id: `s-${id}`,
    assistant_id: 'trading-education',
    state: 'collecting',
    fields: { name: `Name ${id}` },
    notification_status: 'not_sent',
    created_at: createdAt,
    updated_at: createdAt,
    completed_at: null,
    stage: 'new',
    owner: null,
    tags: [],
    unread: false,
    ...over,
  };
}

describe('the inbox filters', () => {
  it('keeps only what the API knows from the page URL', () => {
    expect(
      filtersFrom({ q: '  ada ', status: 'complete', from: '2026-03-01', to: 'yesterday' }),
    ).toEqual({
      q: 'ada',
      status: 'complete',
      from: '2026-03-01',
      to: '',
      assistant: '',
      stage: '',
      owner: '',
      tag: '',
    });
    expect(filtersFrom({ status: 'closed' }).status).toBe('');
    expect(filtersFrom({ assistant: 'second' }).assistant).toBe('second');
    expect(filtersFrom({ assistant: 'Not An Id' }).assistant).toBe('');
  });

  it('asks from the start of the first day to the start of the day after the last, in local time', () => {
    const query = leadQuery({
      ...NO_FILTERS,
      q: 'ada',
      status: 'complete',
      from: '2026-03-01',
      to: '2026-03-31',
    });
    expect(query).toEqual({
      q: 'ada',
      status: 'complete',
      since: new Date(2026, 2, 1).toISOString(),
      until: new Date(2026, 3, 1).toISOString(),
    });
    expect(leadQuery(NO_FILTERS)).toEqual({});
    expect(leadQuery({ ...NO_FILTERS, assistant: 'second' })).toEqual({
      assistant_id: 'second',
    });
    expect(queryParams({ q: 'a b', status: undefined, limit: 25 })).toEqual({
      q: 'a b',
      limit: '25',
    });
  });

  it('matches a lead as the API does: state, creation time, text in any value (any case)', () => {
    const ada = lead('a', '2026-03-10T12:00:00.000Z', {
      state: 'complete',
      fields: { name: 'Ada Lovelace', email: 'ada@example.com' },
    });
    expect(matchesQuery(ada, {})).toBe(true);
    expect(matchesQuery(ada, { q: 'LOVE' })).toBe(true);
    expect(matchesQuery(ada, { q: 'example.com' })).toBe(true);
    expect(matchesQuery(ada, { q: 'grace' })).toBe(false);
    expect(matchesQuery(ada, { status: 'collecting' })).toBe(false);
    expect(matchesQuery(ada, { assistant_id: 'trading-education' })).toBe(true);
    expect(matchesQuery(ada, { assistant_id: 'second' })).toBe(false);
    expect(
      matchesQuery(ada, { since: '2026-03-10T12:00:00.000Z', until: '2026-03-10T12:00:00.001Z' }),
    ).toBe(true);
    expect(matchesQuery(ada, { until: '2026-03-10T12:00:00.000Z' })).toBe(false);
  });

  it('keeps the stage, owner and tag filters from the URL, normalised as the API does', () => {
    expect(
      filtersFrom({ stage: 'qualified', owner: ' Agent@Example.com ', tag: ' VIP ' }),
    ).toMatchObject({ stage: 'qualified', owner: 'agent@example.com', tag: 'vip' });
    expect(filtersFrom({ stage: 'Not A Stage', tag: 'two words' })).toMatchObject({
      stage: '',
      tag: '',
    });
    expect(filtersFrom({ owner: 'none' }).owner).toBe('none');
    expect(
      leadQuery({ ...NO_FILTERS, stage: 'won', owner: 'none', tag: 'vip', status: 'complete' }),
    ).toEqual({ stage: 'won', owner: 'none', tag: 'vip', status: 'complete' });
    // The CSV export gets the same parameters as the list.
    expect(queryParams(leadQuery({ ...NO_FILTERS, owner: 'a@example.com', tag: 'vip' }))).toEqual({
      owner: 'a@example.com',
      tag: 'vip',
    });
  });

  it('matches a lead by stage, owner (or none) and tag as the API does', () => {
    const owned = lead('a', '2026-03-10T12:00:00.000Z', {
      stage: 'contacted',
      owner: 'agent@example.com',
      tags: ['callback', 'vip'],
    });
    const unowned = lead('b', '2026-03-10T12:00:00.000Z');
    expect(matchesQuery(owned, { stage: 'contacted' })).toBe(true);
    expect(matchesQuery(owned, { stage: 'new' })).toBe(false);
    expect(matchesQuery(owned, { owner: 'agent@example.com' })).toBe(true);
    expect(matchesQuery(owned, { owner: 'none' })).toBe(false);
    expect(matchesQuery(unowned, { owner: 'none' })).toBe(true);
    expect(matchesQuery(unowned, { owner: 'agent@example.com' })).toBe(false);
    expect(matchesQuery(owned, { tag: 'vip' })).toBe(true);
    expect(matchesQuery(unowned, { tag: 'vip' })).toBe(false);
  });
});

describe('applyFeedEvent', () => {
  const newest = lead('c', '2026-03-03T00:00:00.000Z');
  const middle = lead('b', '2026-03-02T00:00:00.000Z');
  const oldest = lead('a', '2026-03-01T00:00:00.000Z');
  const list = [newest, middle];

  it('puts a new lead first, and updates a known one in place', () => {
    const arrived = lead('d', '2026-03-04T00:00:00.000Z');
    expect(applyFeedEvent(list, { type: 'lead', lead: arrived }, {}, false)).toEqual([
      arrived,
      newest,
      middle,
    ]);
    const completed = {
      ...middle,
      state: 'complete' as const,
      notification_status: 'sent' as const,
    };
    expect(applyFeedEvent(list, { type: 'lead', lead: completed }, {}, false)).toEqual([
      newest,
      completed,
    ]);
  });

  it('removes a lead erased, or changed so that the filters no longer match', () => {
    expect(applyFeedEvent(list, { type: 'lead_erased', id: 'b' }, {}, true)).toEqual([newest]);
    const completed = { ...newest, state: 'complete' as const };
    expect(
      applyFeedEvent(list, { type: 'lead', lead: completed }, { status: 'collecting' }, true),
    ).toEqual([middle]);
    expect(applyFeedEvent(list, { type: 'lead_erased', id: 'unknown' }, {}, true)).toBe(list);
  });

  it('updates a row in place when its stage, owner or unread mark changes, and drops it when a filter no longer matches', () => {
    const unread = { ...newest, unread: true };
    const read = { ...unread, unread: false, stage: 'contacted' };
    expect(applyFeedEvent([unread, middle], { type: 'lead', lead: read }, {}, true)).toEqual([
      read,
      middle,
    ]);
    expect(
      applyFeedEvent([unread, middle], { type: 'lead', lead: read }, { stage: 'new' }, true),
    ).toEqual([middle]);
  });

  it('leaves out a lead that does not match, and one older than the pages loaded so far', () => {
    const other = lead('d', '2026-03-04T00:00:00.000Z', { fields: { name: 'Grace' } });
    expect(applyFeedEvent(list, { type: 'lead', lead: other }, { q: 'ada' }, true)).toEqual(list);
    expect(applyFeedEvent(list, { type: 'lead', lead: oldest }, {}, false)).toEqual(list);
    expect(applyFeedEvent(list, { type: 'lead', lead: oldest }, {}, true)).toEqual([
      newest,
      middle,
      oldest,
    ]);
  });
});

describe('parseFeedEvent', () => {
  it('reads the two kinds of event and ignores anything else', () => {
    const summary = lead('a', '2026-03-01T00:00:00.000Z');
    expect(parseFeedEvent(JSON.stringify({ type: 'lead', lead: summary }))).toEqual({
      type: 'lead',
      lead: summary,
    });
    expect(parseFeedEvent('{"type":"lead_erased","id":"a"}')).toEqual({
      type: 'lead_erased',
      id: 'a',
    });
    expect(parseFeedEvent('{"type":"lead_merged","id":"a"}')).toBeNull();
    expect(parseFeedEvent('{"type":"lead"}')).toBeNull();
    expect(parseFeedEvent('not json')).toBeNull();
  });
});

describe('leadTitle', () => {
  it('names a lead by its name, else its email, else its id', () => {
    expect(leadTitle({ id: '0123456789', fields: { name: 'Ada', email: 'ada@example.com' } })).toBe(
      'Ada',
    );
    expect(leadTitle({ id: '0123456789', fields: { email: 'ada@example.com' } })).toBe(
      'ada@example.com',
    );
    expect(leadTitle({ id: '0123456789', fields: { phone: '+44' } })).toBe('Lead 01234567');
  });
});
