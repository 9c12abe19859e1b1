import type { AssistantAppearance, AssistantHandoff, AssistantNotifications } from '@chat/contracts';

/*
 * The assistant profile as written in its YAML file. Keys keep the file's snake_case so that a
 * problem reported by the loader names exactly the key to fix.
 */

export const SUPPORTED_PROFILE_VERSIONS = [1] as const;

export const LEAD_FIELD_KINDS = ['text', 'email', 'phone', 'choice'] as const;
export type LeadFieldKind = (typeof LEAD_FIELD_KINDS)[number];

/** A detail the assistant collects, with the rules a value must meet. */
export interface LeadFieldSpec {
  name: string;
  label: string;
  description: string;
  required: boolean;
  kind: LeadFieldKind;
  /** Allowed values of a `choice` field, in lower case. */
  options?: string[];
  min_length?: number;
  max_length?: number;
  /** How the assistant asks for it; it mentions the label or name, which is how a bare answer is recognised. */
  question?: string;
}

/** A question the offline demo model can answer. */
export interface KnowledgeEntry {
  id: string;
  keywords: string[];
  /** Markdown. */
  answer: string;
}

export interface AssistantProfileDefinition {
  version: (typeof SUPPORTED_PROFILE_VERSIONS)[number];
  id: string;
  name: string;
  persona: string;
  greeting: string;
  /** The model's instructions (system prompt), before the lead fields are appended. */
  instructions: string;
  fields: LeadFieldSpec[];
  knowledge: KnowledgeEntry[];
  /** The demo model's answer when no knowledge entry matches. */
  fallback_answer: string;
  /** Shown to visitors beside their details: what is collected and why. */
  privacy_notice?: string;
  /** The business's privacy policy, linked from the notice. */
  privacy_url?: string;
  /** How the widget draws the assistant (defaults in `public-assistant.ts` when left out). */
  appearance?: AssistantAppearance;
  /** The website origins allowed to embed the assistant (`https://host[:port]`). */
  allowed_origins?: string[];
  /** Who hears of its completed leads. */
  notifications?: AssistantNotifications;
  /** When a person can be asked for. */
  handoff?: AssistantHandoff;
}

/** The largest profile staff may write: bounds that keep a prompt, a row and an editor sane. */
export const PROFILE_LIMITS = {
  name: 100,
  persona: 4_000,
  greeting: 1_000,
  instructions: 20_000,
  fallback_answer: 4_000,
  privacy_notice: 500,
  field_text: 500,
  fields: 30,
  options: 50,
  knowledge: 200,
  keywords: 50,
  answer: 10_000,
  allowed_origins: 20,
  email_recipients: 20,
} as const;
