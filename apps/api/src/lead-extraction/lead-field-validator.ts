import { isEmail, isIn, length, matches } from 'class-validator';
import type { LeadFieldSpec } from '../profile/assistant-profile';

const PHONE = /^\+?[0-9 ().-]{7,20}$/;
const MIN_PHONE_DIGITS = 7;

/**
 * Checks one candidate value for a field and returns it normalised (trimmed, inner spaces
 * collapsed, emails and choices in lower case), or `undefined` when it is not a valid value.
 */
export function validateLeadField(spec: LeadFieldSpec, candidate: unknown): string | undefined {
  if (typeof candidate !== 'string') return undefined;
  let value = candidate.replace(/\s+/g, ' ').trim();
  if (value === '') return undefined;

  switch (spec.kind) {
    case 'email':
      value = value.toLowerCase();
      if (!isEmail(value)) return undefined;
      break;
    case 'phone':
      if (!matches(value, PHONE) || value.replace(/\D/g, '').length < MIN_PHONE_DIGITS) {
        return undefined;
      }
      break;
    case 'choice':
      value = value.toLowerCase();
      if (!isIn(value, spec.options ?? [])) return undefined;
      break;
    case 'text':
      break;
  }
  return length(value, spec.min_length ?? 1, spec.max_length) ? value : undefined;
}
