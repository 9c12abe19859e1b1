import type { LeadData } from '@chat/contracts';
import type { ConversationTurn } from '../model/model-output';
import type { AssistantProfileDefinition } from '../profile/assistant-profile';

/**
 * Finds the visitor's details in a conversation. Implementations return `current` merged with
 * the valid values they found, and never throw: extraction must not fail a chat. `profile` is
 * the definition of the assistant version the session runs: its fields and their validation.
 */
export abstract class LeadExtractor {
  abstract extract(
    profile: AssistantProfileDefinition,
    conversation: ConversationTurn[],
    current: LeadData,
  ): Promise<LeadData>;
}
