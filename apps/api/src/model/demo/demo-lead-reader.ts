import type { LeadData } from '@chat/contracts';
import type { LeadFieldSpec } from '../../profile/assistant-profile';
import type { ConversationTurn } from '../model-output';

/**
 * What the offline demo model needs to know of a visitor's details to acknowledge them and ask
 * for the next one. The lead domain sits above the model layer, so it provides this
 * (`ModelModule.forRoot({ demoLeadReader })`) rather than the demo model importing it: the demo
 * asks by the same rules the rule-based extractor reads the answers with.
 */
export abstract class DemoLeadReader {
  /** The valid details the visitor has given in `conversation`. */
  abstract detailsIn(conversation: readonly ConversationTurn[]): LeadData;
  /** The field the last question of an assistant message asks for, if it asks for one. */
  abstract askedField(assistantMessage: string): LeadFieldSpec | undefined;
  /** The field whose question is still open at the end of `conversation`, if any. */
  abstract openQuestion(conversation: readonly ConversationTurn[]): LeadFieldSpec | undefined;
  /** Whether a message reads as an answer (right or wrong) to the question for `field`. */
  abstract looksLikeAnswer(field: LeadFieldSpec, message: string): boolean;
  /** Whether a message asks something, in any script. */
  abstract isQuestion(message: string): boolean;
  /** Whether a message declines to give what was asked. */
  abstract isRefusal(message: string): boolean;
  /** Whether `details` hold every required field. */
  abstract isComplete(details: LeadData): boolean;
}
