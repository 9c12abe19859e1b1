/** What has been collected about a visitor: field name to validated value. */
export type LeadData = Record<string, string>;

/** A field the assistant collects, as clients see it (the validation rules stay on the server). */
export interface LeadFieldDescriptor {
  name: string;
  label: string;
  description: string;
  required: boolean;
  /** Allowed values, for fields that take one of a list. */
  options?: readonly string[];
}

/**
 * Where the lead notification stands for a session: none yet, waiting for (another) attempt,
 * accepted by the mail server, or failed once every attempt was spent.
 */
export const LEAD_EMAIL_STATUSES = ['not_sent', 'queued', 'sent', 'failed'] as const;
export type LeadEmailStatus = (typeof LEAD_EMAIL_STATUSES)[number];

export interface LeadState {
  data_collected: LeadData;
  is_complete: boolean;
  missing_fields: string[];
}
