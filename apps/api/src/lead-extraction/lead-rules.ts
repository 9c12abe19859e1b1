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
 * the offline demo model. Only user turns are read; the assistant's last question for a field
 * stays open until the visitor gives or declines it, so that a bare answer ("Ana", "beginner")
 * is understood even with other questions asked and answered in between.
 */

const EMAIL = /[\p{L}0-9._%+-]+@[\p{L}0-9-]+(?:\.[\p{L}0-9-]+)*\.\p{L}{2,}/gu;
const PHONE = /[+(]?\d[\d ().-]{5,18}\d/g;
/** A number counts as a phone only where it was asked for or is named as one (not a price or a date). */
const PHONE_CONTEXT =
  /\b(?:phone|number|call|mobile|cell|whats ?app|tel|telephone|reach me|text me)\b/i;

/** Question marks of the scripts visitors write in: Latin, Spanish, Arabic, Greek, full-width. */
const QUESTION_MARK = /[?¿؟;？⸮]/u;

export function isQuestion(message: string): boolean {
  return QUESTION_MARK.test(message);
}

/**
 * Whether a message reads as an answer to the question for `field`, right or wrong: short, not a
 * question, not a refusal. A question in any script or a long message is something else, to be
 * answered rather than called an invalid value.
 */
export function looksLikeAnswer(field: LeadFieldSpec, message: string): boolean {
  const text = message.trim();
  if (text === '' || isQuestion(text) || isRefusal(text)) return false;
  const words = text.split(/\s+/).length;
  switch (field.kind) {
    case 'email':
      return text.includes('@') || words <= 6;
    case 'phone':
      return /\d/.test(text) && words <= 8;
    case 'choice':
      return words <= 8;
    case 'text':
      return field.name === 'name' ? words <= 5 : true;
  }
}

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
  // A bare answer is the whole message, while the assistant's question for that field is open;
  // a question, a refusal or a message that says something else is not one.
  if (
    asked !== undefined &&
    found[asked.name] === undefined &&
    Object.keys(found).length === 0 &&
    looksLikeAnswer(asked, message)
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
 * The details a whole conversation gives, each user turn read in the light of the question still
 * open before it; a later valid value replaces an earlier one (a correction).
 */
export function findLeadInConversation(
  profile: AssistantProfileDefinition,
  conversation: readonly ConversationTurn[],
): LeadData {
  return readConversation(profile, conversation).data;
}

/**
 * The field whose question is still open at the end of `conversation`: the last one the
 * assistant asked for, until the visitor gives it or declines it.
 */
export function openQuestion(
  profile: AssistantProfileDefinition,
  conversation: readonly ConversationTurn[],
): LeadFieldSpec | undefined {
  return readConversation(profile, conversation).asked;
}

function readConversation(
  profile: AssistantProfileDefinition,
  conversation: readonly ConversationTurn[],
): { data: LeadData; asked: LeadFieldSpec | undefined } {
  let data: LeadData = {};
  let asked: LeadFieldSpec | undefined;
  for (const turn of conversation) {
    if (turn.role === 'assistant') {
      asked = askedField(profile, turn.content) ?? asked;
    } else {
      data = mergeLead(profile, data, readUserMessage(profile, turn.content, asked));
      if (asked && (data[asked.name] !== undefined || isRefusal(turn.content))) asked = undefined;
    }
  }
  return { data, asked };
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
