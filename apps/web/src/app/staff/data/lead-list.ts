import {
  ASSISTANT_ID_PATTERN,
  LEAD_STAGE_PATTERN,
  LEAD_STATES,
  LEAD_TAG_PATTERN,
  normalizeLeadTag,
  type LeadFeedEvent,
  type LeadQuery,
  type LeadStateName,
  type LeadSummary,
} from '@chat/contracts';

/** The inbox's filters as the page's URL keeps them: dates are calendar days in the reader's time zone. */
export interface LeadFilters {
  q: string;
  status: LeadStateName | '';
  /** First day shown, `YYYY-MM-DD`, or empty. */
  from: string;
  /** Last day shown (included), `YYYY-MM-DD`, or empty. */
  to: string;
  /** Only this assistant's leads (its id), or empty. */
  assistant: string;
  /** Only leads in this stage of the pipeline, or empty. */
  stage: string;
  /** Only this staff member's leads (an email, lower case), `none` for unowned ones, or empty. */
  owner: string;
  /** Only leads with this tag (normalised), or empty. */
  tag: string;
}

export const NO_FILTERS: LeadFilters = {
  q: '',
  status: '',
  from: '',
  to: '',
  assistant: '',
  stage: '',
  owner: '',
  tag: '',
};

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight starting `day` (`YYYY-MM-DD`), `days` later; undefined for anything else. */
function startOfDay(day: string, days = 0): string | undefined {
  const match = DAY.exec(day);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Filters from the page's query parameters, anything unknown dropped. */
export function filtersFrom(params: {
  q?: string;
  status?: string;
  from?: string;
  to?: string;
  assistant?: string;
  stage?: string;
  owner?: string;
  tag?: string;
}): LeadFilters {
  const status = (LEAD_STATES as readonly string[]).includes(params.status ?? '')
    ? (params.status as LeadStateName)
    : '';
  return {
    q: params.q?.trim() ?? '',
    status,
    from: startOfDay(params.from ?? '') ? (params.from as string) : '',
    to: startOfDay(params.to ?? '') ? (params.to as string) : '',
    assistant: ASSISTANT_ID_PATTERN.test(params.assistant ?? '')
      ? (params.assistant as string)
      : '',
    stage: LEAD_STAGE_PATTERN.test(params.stage ?? '') ? (params.stage as string) : '',
    owner: params.owner?.trim().toLowerCase() ?? '',
    tag: LEAD_TAG_PATTERN.test(normalizeLeadTag(params.tag ?? ''))
      ? normalizeLeadTag(params.tag as string)
      : '',
  };
}

/** The API's query for filters: `since` the first day's start, `until` the start of the day after the last. */
export function leadQuery(filters: LeadFilters): LeadQuery {
  const query: LeadQuery = {};
  if (filters.q) query.q = filters.q;
  if (filters.status) query.status = filters.status;
  if (filters.assistant) query.assistant_id = filters.assistant;
  if (filters.stage) query.stage = filters.stage;
  if (filters.owner) query.owner = filters.owner;
  if (filters.tag) query.tag = filters.tag;
  const since = startOfDay(filters.from);
  const until = startOfDay(filters.to, 1);
  if (since) query.since = since;
  if (until) query.until = until;
  return query;
}

/** A query as URL parameters (the list's and the CSV export's), empty values left out. */
export function queryParams(query: LeadQuery): Record<string, string> {
  return Object.fromEntries(
    Object.entries(query)
      .filter(([, value]) => value !== undefined && value !== '')
      .map(([key, value]) => [key, String(value)]),
  );
}

/** Whether a lead belongs in a list of `query`'s leads, as the API would decide it. */
export function matchesQuery(lead: LeadSummary, query: LeadQuery): boolean {
  if (query.status && lead.state !== query.status) return false;
  if (query.assistant_id && lead.assistant_id !== query.assistant_id) return false;
  if (query.stage && lead.stage !== query.stage) return false;
  if (query.owner === 'none' && lead.owner !== null) return false;
  if (query.owner && query.owner !== 'none' && lead.owner?.toLowerCase() !== query.owner)
    return false;
  if (query.tag && !lead.tags.includes(query.tag)) return false;
  const created = Date.parse(lead.created_at);
  if (query.since && created < Date.parse(query.since)) return false;
  if (query.until && created >= Date.parse(query.until)) return false;
  const q = query.q?.toLowerCase();
  return !q || Object.values(lead.fields).some((value) => value.toLowerCase().includes(q));
}

/** Newest first, as the API lists them (creation time, then id). */
function newerFirst(a: LeadSummary, b: LeadSummary): number {
  return (
    Date.parse(b.created_at) - Date.parse(a.created_at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
  );
}

/**
 * The list after a live event. A changed lead is updated in place, or removed when it no longer
 * matches; a new matching one goes where the API would list it, unless that is past the pages
 * loaded so far (`complete` false), where "Load more" will bring it.
 */
export function applyFeedEvent(
  leads: readonly LeadSummary[],
  event: LeadFeedEvent,
  query: LeadQuery,
  complete: boolean,
): readonly LeadSummary[] {
  const id = event.type === 'lead' ? event.lead.id : event.id;
  const rest = leads.filter((lead) => lead.id !== id);
  if (event.type === 'lead_erased' || !matchesQuery(event.lead, query)) {
    return rest.length === leads.length ? leads : rest;
  }
  const lead = event.lead;
  const index = leads.findIndex((existing) => existing.id === id);
  if (index >= 0) return leads.map((existing) => (existing.id === id ? lead : existing));
  const last = rest.at(-1);
  if (!complete && last && newerFirst(lead, last) > 0) return leads;
  return [...rest, lead].sort(newerFirst);
}

/** One of the feed's events, or null for anything else (the protocol lets servers add types). */
export function parseFeedEvent(data: string): LeadFeedEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  const event = value as Partial<{ type: string; id: unknown; lead: Partial<LeadSummary> }>;
  if (event?.type === 'lead_erased' && typeof event.id === 'string')
    return { type: 'lead_erased', id: event.id };
  if (
    event?.type === 'lead' &&
    typeof event.lead?.id === 'string' &&
    typeof event.lead.fields === 'object'
  ) {
    return { type: 'lead', lead: event.lead as LeadSummary };
  }
  return null;
}

/** How a lead is named to a person: its name, else its email, else the start of its id. */
export function leadTitle(lead: Pick<LeadSummary, 'id' | 'fields'>): string {
  return lead.fields['name'] || lead.fields['email'] || `Lead ${lead.id.slice(0, 8)}`;
}
