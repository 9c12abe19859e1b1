import type { AssistantProfile } from './requests';

/*
 * Assistants (PROTOCOL.md, "Assistants (v3)"): what staff edit and publish, and what a client
 * draws before the first message. Keys are snake_case, as in the profile file.
 */

export const ASSISTANT_POSITIONS = ['bottom-right', 'bottom-left'] as const;
export type AssistantPosition = (typeof ASSISTANT_POSITIONS)[number];

/** How the widget draws the assistant's launcher and panel. */
export interface AssistantAppearance {
  title: string;
  /** `#rrggbb`. */
  accent_color: string;
  launcher_label: string;
  position: AssistantPosition;
  /** https only. */
  avatar_url?: string;
}

/** The days of `AssistantHandoff.hours`, in the week's order. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** One opening period of a day, `HH:MM-HH:MM` (24 h, in the hours' time zone). */
export const OPENING_PERIOD_PATTERN = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/;

/** When a person can be asked for (PROTOCOL.md, People in the conversation). */
export interface AssistantHandoff {
  /**
   * The opening hours: an IANA time zone and, per day, its periods (`09:00-17:30`); a day left
   * out is closed. Outside them a request for a person waits, and the visitor is asked for an
   * email to be followed up. Without hours, people can be asked for at any time.
   */
  hours?: { time_zone: string; days: Partial<Record<Weekday, string[]>> };
}

/** Who hears of the assistant's completed leads. */
export interface AssistantNotifications {
  email_recipients: string[];
  webhook_url?: string;
}

/**
 * A draft: the profile file's keys as JSON (`version`, `id`, `name`, `persona`, `greeting`,
 * `instructions`, `fields`, `knowledge`, `fallback_answer`, `privacy_notice`, `privacy_url`) plus
 * `appearance`, `allowed_origins` and `notifications`. The API's profile schema is its definition.
 */
export type AssistantDraft = Record<string, unknown>;

/** One published version, as listed. */
export interface AssistantVersionSummary {
  version: number;
  published_at: string;
  /** The staff member's email, or `import` for the profile file imported at first start. */
  published_by: string;
}

/** `GET /admin/assistants`: one item. */
export interface AssistantSummary {
  id: string;
  name: string;
  published_version: number | null;
  archived: boolean;
  is_default: boolean;
  updated_at: string;
  updated_by: string;
}

/** `GET /admin/assistants/{id}` (and the answer of every change). */
export interface AssistantDetail extends Omit<AssistantSummary, 'name'> {
  draft: AssistantDraft;
  versions: AssistantVersionSummary[];
  /** Whether the assistant has an identity secret: a host site's `identify` is then trusted with its HMAC. */
  identity_verification: boolean;
}

/** `POST /admin/assistants/{id}/identity-secret`: the new secret, shown this once. */
export interface IdentitySecret {
  identity_secret: string;
}

/** `GET /assistants/{id}`: what a client draws before the first message (of its live version). */
export interface PublicAssistant extends Pick<
  AssistantProfile,
  'name' | 'greeting' | 'model' | 'demo' | 'fields' | 'privacy_notice' | 'privacy_url'
> {
  id: string;
  version: number;
  appearance: AssistantAppearance;
}
