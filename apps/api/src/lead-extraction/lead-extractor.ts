import type { LeadData } from '@chat/contracts';
import type { ConversationTurn } from '../model/model-output';

/**
 * Finds the visitor's details in a conversation. Implementations return `current` merged with
 * the valid values they found, and never throw: extraction must not fail a chat.
 */
export abstract class LeadExtractor {
  abstract extract(conversation: ConversationTurn[], current: LeadData): Promise<LeadData>;
}
