import type { LeadData } from '@chat/contracts';
import type {
  AssistantProfileDefinition,
  KnowledgeEntry,
  LeadFieldSpec,
} from '../../profile/assistant-profile';
import type { ConversationTurn, KnowledgePassage } from '../model-output';
import { answerFromPassages } from './demo-passage-answer';
import type { DemoLeadReader } from './demo-lead-reader';

/*
 * What the offline demo model says: deterministic, so tests and demos can rely on it. It answers
 * from the profile's knowledge base, acknowledges the details the visitor just gave, and asks
 * for the next one with the field's question (which names the field, so that the rule-based
 * extractor understands a bare answer). A question is asked once: a visitor who asks something
 * else gets an answer, not the question again, which is re-asked only after a message that reads
 * as an answer to it but is not a valid one.
 */

const SMALL_TALK =
  /^\s*(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|thanks|thank you|cheers|ok|okay|cool|great|nice)\b/i;
const THANKS = /^\s*(?:thanks|thank you|cheers)\b/i;

export const DEMO_COMPLETION_MESSAGE =
  "That's everything I need - a member of our team will be in touch soon. In the meantime, ask me anything else about trading.";

/**
 * The demo model's reply to the last user turn of a conversation; `passages` are those of the
 * assistant's knowledge the turn retrieved, which it answers from first.
 */
export function demoReply(
  profile: AssistantProfileDefinition,
  reader: DemoLeadReader,
  conversation: readonly ConversationTurn[],
  passages: readonly KnowledgePassage[] = [],
): string {
  const lastUser = conversation.findLastIndex((turn) => turn.role === 'user');
  if (lastUser < 0) {
    return joinParagraphs(
      profile.greeting,
      questionFor(nextField(profile, reader, conversation, {})),
    );
  }
  const turn = readTurn(profile, reader, conversation.slice(0, lastUser + 1));

  const complete = reader.isComplete(turn.after);
  const completedNow = complete && !reader.isComplete(turn.before);
  // Once complete, the notification has gone out: no more questions. A field just declined is
  // not asked for again in the same breath.
  const candidate = complete
    ? undefined
    : nextField(profile, reader, turn.conversation, turn.after, turn.declined?.name);
  const next =
    candidate &&
    (turn.given.length > 0 ||
      turn.invalidAnswer ||
      !askedBefore(reader, turn.conversation, candidate))
      ? candidate
      : undefined;
  const acknowledgement =
    turn.given.length === 0
      ? undefined
      : turn.given.some((field) => field.name === 'name')
        ? `Thanks, ${turn.after['name'].split(' ')[0]}!`
        : 'Thanks, got it.';

  const closing = [
    acknowledgement,
    completedNow ? DEMO_COMPLETION_MESSAGE : undefined,
    questionFor(next),
  ]
    .filter((part) => part !== undefined)
    .join(' ');
  return joinParagraphs(answerTo(profile, reader, turn, passages), closing);
}

interface Turn {
  /** The conversation up to and including the visitor's message. */
  conversation: readonly ConversationTurn[];
  message: string;
  /** The field whose question was open when the visitor wrote. */
  asked: LeadFieldSpec | undefined;
  /** Whether the message reads as an answer to that question but gave no valid value. */
  invalidAnswer: boolean;
  /** That field, if the visitor declined to give it. */
  declined: LeadFieldSpec | undefined;
  before: LeadData;
  after: LeadData;
  /** Fields the message gave or corrected. */
  given: LeadFieldSpec[];
}

function readTurn(
  profile: AssistantProfileDefinition,
  reader: DemoLeadReader,
  conversation: readonly ConversationTurn[],
): Turn {
  const message = conversation[conversation.length - 1].content;
  const asked = reader.openQuestion(conversation.slice(0, -1));
  const before = reader.detailsIn(conversation.slice(0, -1));
  const after = reader.detailsIn(conversation);
  const given = profile.fields.filter(
    (field) => after[field.name] !== undefined && after[field.name] !== before[field.name],
  );
  const declined = asked && given.length === 0 && reader.isRefusal(message) ? asked : undefined;
  const invalidAnswer =
    asked !== undefined && given.length === 0 && reader.looksLikeAnswer(asked, message);
  return { conversation, message, asked, invalidAnswer, declined, before, after, given };
}

/** The part of the reply that answers what the visitor said, if anything needs answering. */
function answerTo(
  profile: AssistantProfileDefinition,
  reader: DemoLeadReader,
  turn: Turn,
  passages: readonly KnowledgePassage[],
): string | undefined {
  const isQuestion = reader.isQuestion(turn.message);
  // The business's documents come before the profile's own short answers.
  const fromDocuments =
    isQuestion || turn.given.length === 0 ? answerFromPassages(passages, turn.message) : undefined;
  if (fromDocuments) return fromDocuments;
  const entry = bestKnowledge(profile.knowledge, turn.message);
  if (entry && (isQuestion || turn.given.length === 0)) return entry.answer;
  if (turn.given.length > 0) return undefined;
  if (SMALL_TALK.test(turn.message) && turn.message.split(/\s+/).length <= 6) {
    return THANKS.test(turn.message) ? "You're welcome!" : profile.greeting;
  }
  if (turn.declined) return 'No problem.';
  if (turn.asked && turn.invalidAnswer) {
    return `Hmm, that doesn't look like a valid ${turn.asked.label.toLowerCase()}.`;
  }
  return profile.fallback_answer;
}

/** The knowledge entry whose keywords the message mentions most (longer phrases weigh more). */
export function bestKnowledge(
  knowledge: readonly KnowledgeEntry[],
  message: string,
): KnowledgeEntry | undefined {
  const text = message.toLowerCase().replace(/’/g, "'");
  let best: { entry: KnowledgeEntry; score: number } | undefined;
  for (const entry of knowledge) {
    const score = entry.keywords
      .filter((keyword) =>
        new RegExp(`\\b${escapeRegExp(keyword.toLowerCase())}(?:s|es)?\\b`).test(text),
      )
      .reduce((sum, keyword) => sum + keyword.split(/\s+/).length, 0);
    if (score > 0 && (best === undefined || score > best.score)) best = { entry, score };
  }
  return best?.entry;
}

function askedBefore(
  reader: DemoLeadReader,
  conversation: readonly ConversationTurn[],
  field: LeadFieldSpec,
): boolean {
  return conversation.some(
    (turn) => turn.role === 'assistant' && reader.askedField(turn.content)?.name === field.name,
  );
}

/** The first field, in profile order, still missing and required or never asked for. */
function nextField(
  profile: AssistantProfileDefinition,
  reader: DemoLeadReader,
  conversation: readonly ConversationTurn[],
  data: LeadData,
  skip?: string,
): LeadFieldSpec | undefined {
  const asked = new Set(
    conversation
      .filter((turn) => turn.role === 'assistant')
      .map((turn) => reader.askedField(turn.content)?.name),
  );
  return profile.fields.find(
    (field) =>
      field.name !== skip &&
      data[field.name] === undefined &&
      (field.required || !asked.has(field.name)),
  );
}

function questionFor(field: LeadFieldSpec | undefined): string | undefined {
  if (!field) return undefined;
  return field.question ?? `Could you share your ${field.label.toLowerCase()}?`;
}

function joinParagraphs(...parts: (string | undefined)[]): string {
  return parts.filter((part) => part !== undefined && part !== '').join('\n\n');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
