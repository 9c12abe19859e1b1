import type { LeadData, LeadEmailStatus } from './lead';
import type { TranscriptMessage } from './requests';

/**
 * The Leads section of PROTOCOL.md v2: stored leads as the staff area and integrations read
 * them, the live feed, and the webhook's payload.
 */

/** `collecting` until every required field holds a valid value, then `complete`. */
export const LEAD_STATES = ['collecting', 'complete'] as const;
export type LeadStateName = (typeof LEAD_STATES)[number];

export const NOTIFICATION_CHANNELS = ['email', 'webhook'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
export const NOTIFICATION_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** The most leads one page holds, and the default. */
export const LEADS_PAGE_MAX = 100;
export const LEADS_PAGE_DEFAULT = 25;

/** A lead as a list shows it. Leads appear once something has been collected. */
export interface LeadSummary {
  id: string;
  session_id: string;
  state: LeadStateName;
  /** The assistant whose session collected it. */
  assistant_id: string;
  /** Collected field name to value. */
  fields: LeadData;
  /** Where its notifications stand, all channels together: `failed` if any failed, `queued` while any waits. */
  notification_status: LeadEmailStatus;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  /** Where the business stands with it: one of the pipeline's stages (`GET /leads/stages`). */
  stage: string;
  /** The email of the staff member who owns it, or null. */
  owner: string | null;
  /** Lower-case labels the staff gave it, sorted. */
  tags: string[];
  /** True until a staff member opens it (per lead, not per staff member). */
  unread: boolean;
}

/** The pipeline's stages when `LEAD_STAGES` is not set; a new lead is in the first. */
export const DEFAULT_LEAD_STAGES = ['new', 'contacted', 'qualified', 'won', 'lost'] as const;
/** A stage's name. */
export const LEAD_STAGE_PATTERN = /^[a-z][a-z0-9_-]{0,29}$/;
/** The longest note, the most tags of a lead, the longest tag. */
export const LEAD_NOTE_MAX_LENGTH = 4000;
export const LEAD_TAGS_MAX = 20;
export const LEAD_TAG_MAX_LENGTH = 40;
/** A tag, once normalised (`normalizeLeadTag`). */
export const LEAD_TAG_PATTERN = /^[a-z0-9-]{1,40}$/;

/** The form a tag is stored and compared in: trimmed, lower case. */
export function normalizeLeadTag(tag: string): string {
  return tag.trim().toLowerCase();
}

/** `GET /leads/stages` (staff): the pipeline, in order. */
export interface LeadStagesReply {
  stages: string[];
}

/** `GET /leads/unread` (staff): how many listed leads no staff member has opened yet. */
export interface LeadUnreadReply {
  unread: number;
}

/** `PATCH /leads/{id}` (staff): any of these; `owner: null` leaves it unowned. */
export interface UpdateLeadRequest {
  stage?: string;
  owner?: string | null;
  tags?: string[];
}

/** `POST /leads/{id}/notes` (staff). */
export interface CreateLeadNoteRequest {
  body: string;
}

/** The lead fields whose changes are recorded. */
export const LEAD_CHANGE_FIELDS = ['stage', 'owner', 'tags'] as const;
export type LeadChangeField = (typeof LEAD_CHANGE_FIELDS)[number];

/** What happened to a lead at the staff's hands, and who did it (`by`, a staff email) when (`at`). */
export type LeadActivity =
  | { id: string; type: 'note'; by: string; at: string; body: string }
  | {
      id: string;
      type: 'change';
      by: string;
      at: string;
      field: LeadChangeField;
      from: string | string[] | null;
      to: string | string[] | null;
    };
export type LeadNote = Extract<LeadActivity, { type: 'note' }>;

/** `GET /leads`: newest first; `next_cursor` asks for the page after this one (null on the last). */
export interface LeadPage {
  leads: LeadSummary[];
  next_cursor: string | null;
}

/** The filters of `GET /leads` and `GET /leads/export.csv`. */
export interface LeadQuery {
  status?: LeadStateName;
  /** Created at or after (ISO 8601). */
  since?: string;
  /** Created before (ISO 8601). */
  until?: string;
  /** Text searched in the collected values. */
  q?: string;
  /** Only leads collected by this assistant. */
  assistant_id?: string;
  /** Only leads in this stage of the pipeline. */
  stage?: string;
  /** Only leads this staff member (by email) owns; `none`: only unowned ones. */
  owner?: string;
  /** Only leads with this tag. */
  tag?: string;
  cursor?: string;
  limit?: number;
}

/** One notification of a lead: its delivery so far. */
export interface LeadNotification {
  id: string;
  channel: NotificationChannel;
  status: NotificationStatus;
  attempts: number;
  /** Why the last attempt failed, if it did. */
  last_error: string | null;
  next_attempt_at: string | null;
  sent_at: string | null;
}

/** `GET /leads/{id}`: the lead, its session's transcript, its notifications and its activity (oldest first). */
export interface LeadDetail extends LeadSummary {
  messages: TranscriptMessage[];
  notifications: LeadNotification[];
  activity: LeadActivity[];
}

/** `POST /leads/{id}/notifications/retry`: the notifications queued again. */
export interface LeadRetryReply {
  requeued: LeadNotification[];
}

/** `GET /leads/events` (staff; server-sent events, `data:` is one of these). */
export type LeadFeedEvent =
  { type: 'lead'; lead: LeadSummary } | { type: 'lead_erased'; id: string };

/** The body POSTed to `LEAD_WEBHOOK_URL` (Standard Webhooks: `webhook-id` is `id`, stable across retries). */
/**
 * A lead as a webhook receiver gets it: what was collected, without the staff's own workflow
 * (its stage, the owner's staff email, internal tags, unread), which stays in the product.
 */
export type WebhookLead = Omit<LeadSummary, 'stage' | 'owner' | 'tags' | 'unread'>;

export interface LeadWebhookPayload {
  type: 'lead.completed';
  id: string;
  occurred_at: string;
  data: WebhookLead;
}

/**
 * The body POSTed to `LEAD_WEBHOOK_URL` when a lead it was sent is erased (by staff or by
 * retention), so that the receiver can erase its copy too: the lead's id and the time, nothing else.
 */
export interface LeadErasedWebhookPayload {
  type: 'lead.erased';
  id: string;
  occurred_at: string;
  data: Pick<LeadSummary, 'id'>;
}
