import type { LeadData } from '@chat/contracts';
import type { AssistantProfileDefinition, LeadFieldSpec } from '../profile/assistant-profile';
import type { ConversationTurn } from '../model/model-output';
import { mergeLead } from './lead-assessment';
import {
  bareChoice,
  bareExperience,
  bareName,
  experienceIn,
  goalIn,
  isRefusal,
  nameIn,
} from './lead-phrases';

/*
 * Deterministic rules that find a visitor's details in what they wrote: the lead extractor of
 * the offline demo model. Only user turns are read; the assistant turn before each one says
 * which field was just asked for, so that a bare answer ("Ana", "beginner") can be understood.
 */

const EMAIL = /[\p{L}0-9._%+-]+@[\p{L}0-9-]+(?:\.[\p{L}0-9-]+)*\.\p{L}{2,}/gu;
const PHONE = /[+(]?\d[\d ().-]{5,18}\d/g;
/** A number counts as a phone only where it was asked for or is named as one (not a price or a date). */
const PHONE_CONTEXT =
  /\b(?:phone|number|call|mobile|cell|whats ?app|tel|telephone|reach me|text me)\b/i;

/** The field the last question of an assistant message asks for (the first one it names). */
export function askedField(
  profile: AssistantProfileDefinition,
  assistantMessage: string,
): LeadFieldSpec | undefined {
  const questions = assistantMessage
    .split(/(?<=[.!?])\s+|\n+/)
    .filter((sentence) => sentence.includes('?'));
  const question = questions.at(-1)?.toLowerCase();
  if (question === undefined) return undefined;
  let best: { field: LeadFieldSpec; at: number } | undefined;
  for (const field of profile.fields) {
    for (const word of fieldWords(field)) {
      const at = question.search(new RegExp(`\\b${escapeRegExp(word)}\\b`));
      if (at >= 0 && (best === undefined || at < best.at)) best = { field, at };
    }
  }
  return best?.field;
}

/** The details one user message gives, keyed by field name; not validated yet. */
export function readUserMessage(
  profile: AssistantProfileDefinition,
  message: string,
  asked?: LeadFieldSpec,
): Record<string, string> {
  const found: Record<string, string> = {};
  const withoutEmails = message.replace(EMAIL, ' ');
  for (const field of profile.fields) {
    const value = statedValue(field, message, withoutEmails, asked?.name === field.name);
    if (value !== undefined) found[field.name] = value;
  }
  // A bare answer is the whole message, right after the assistant asked for that field; a
  // question, a refusal or a message that says something else is not one.
  if (
    asked !== undefined &&
    found[asked.name] === undefined &&
    Object.keys(found).length === 0 &&
    !message.includes('?') &&
    !isRefusal(message)
  ) {
    const value = bareAnswer(asked, message.trim());
    if (value !== undefined) found[asked.name] = value;
  }
  return found;
}

function statedValue(
  field: LeadFieldSpec,
  message: string,
  withoutEmails: string,
  isAsked: boolean,
): string | undefined {
  switch (field.kind) {
    case 'email':
      return message.match(EMAIL)?.at(-1)?.replace(/\.+$/, '');
    case 'phone':
      if (!isAsked && !PHONE_CONTEXT.test(withoutEmails) && !/(?:^|\s)\+\d/.test(withoutEmails)) {
        return undefined;
      }
      return [...withoutEmails.matchAll(PHONE)]
        .map((match) => match[0].trim())
        .filter((candidate) => candidate.replace(/\D/g, '').length >= 7)
        .at(-1);
    case 'choice':
      return field.name === 'experience' ? experienceIn(message) : undefined;
    case 'text':
      if (field.name === 'name') return nameIn(message);
      if (field.name === 'goals') return goalIn(message);
      return undefined;
  }
}

function bareAnswer(field: LeadFieldSpec, answer: string): string | undefined {
  switch (field.kind) {
    case 'choice':
      return field.name === 'experience' ? bareExperience(answer) : bareChoice(field, answer);
    case 'text':
      return field.name === 'name' ? bareName(answer) : answer;
    default:
      return undefined;
  }
}

/**
 * The details a whole conversation gives, each user turn read in the light of the assistant
 * turn before it; a later valid value replaces an earlier one (a correction).
 */
export function findLeadInConversation(
  profile: AssistantProfileDefinition,
  conversation: readonly ConversationTurn[],
): LeadData {
  let data: LeadData = {};
  let asked: LeadFieldSpec | undefined;
  for (const turn of conversation) {
    if (turn.role === 'assistant') {
      asked = askedField(profile, turn.content);
    } else {
      data = mergeLead(profile, data, readUserMessage(profile, turn.content, asked));
      asked = undefined;
    }
  }
  return data;
}

function fieldWords(field: LeadFieldSpec): string[] {
  const words = [field.label.toLowerCase(), field.name.toLowerCase().replace(/_/g, ' ')];
  // "goals" is also asked for as "your goal".
  return [
    ...new Set(words.flatMap((word) => (word.endsWith('s') ? [word, word.slice(0, -1)] : [word]))),
  ];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
