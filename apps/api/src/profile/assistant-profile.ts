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
}
