import { Injectable } from '@nestjs/common';
import type { LeadData } from '@chat/contracts';
import type { AssistantProfileDefinition } from '../profile/assistant-profile';
import type { ConversationTurn } from '../model/model-output';
import { mergeLead } from './lead-assessment';
import { LeadExtractor } from './lead-extractor';
import { findLeadInConversation } from './lead-rules';

/** Finds details with deterministic phrase rules; the extractor of the offline demo model. */
@Injectable()
export class RuleLeadExtractor extends LeadExtractor {
  async extract(
    profile: AssistantProfileDefinition,
    conversation: ConversationTurn[],
    current: LeadData,
  ): Promise<LeadData> {
    return mergeLead(profile, current, findLeadInConversation(profile, conversation));
  }
}
