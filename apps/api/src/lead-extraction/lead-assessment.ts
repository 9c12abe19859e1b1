import type { LeadData, LeadState } from '@chat/contracts';
import type { AssistantProfileDefinition } from '../profile/assistant-profile';
import { validateLeadField } from './lead-field-validator';

/**
 * Where a lead stands: the valid values collected (unknown fields and invalid values are left
 * out), whether every required field has one, and the required fields still missing, in
 * profile order.
 */
export function assessLead(profile: AssistantProfileDefinition, data: LeadData): LeadState {
  const collected: LeadData = {};
  for (const field of profile.fields) {
    const value = validateLeadField(field, data[field.name]);
    if (value !== undefined) collected[field.name] = value;
  }
  const missing = profile.fields
    .filter((field) => field.required && collected[field.name] === undefined)
    .map((field) => field.name);
  return { data_collected: collected, is_complete: missing.length === 0, missing_fields: missing };
}

/**
 * Adds the valid candidates to the data collected so far. A new valid value replaces the old one,
 * as people correct themselves; an invalid or empty candidate changes nothing.
 */
export function mergeLead(
  profile: AssistantProfileDefinition,
  current: LeadData,
  candidates: Readonly<Record<string, unknown>>,
): LeadData {
  const merged = assessLead(profile, current).data_collected;
  for (const field of profile.fields) {
    const value = validateLeadField(field, candidates[field.name]);
    if (value !== undefined) merged[field.name] = value;
  }
  return merged;
}
