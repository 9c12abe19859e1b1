import { Inject, Injectable } from '@nestjs/common';
import type { LeadData } from '@chat/contracts';
import { DemoLeadReader } from '../model/demo/demo-lead-reader';
import type { ConversationTurn } from '../model/model-output';
import type { AssistantProfileDefinition, LeadFieldSpec } from '../profile/assistant-profile';
import { ASSISTANT_PROFILE } from '../profile/profile.tokens';
import { assessLead } from './lead-assessment';
import { isRefusal } from './lead-phrases';
import {
  askedField,
  findLeadInConversation,
  isQuestion,
  looksLikeAnswer,
  openQuestion,
} from './lead-rules';

/** The phrase rules of the profile's fields, as the offline demo model reads a conversation. */
@Injectable()
export class RuleLeadReader extends DemoLeadReader {
  constructor(@Inject(ASSISTANT_PROFILE) private readonly profile: AssistantProfileDefinition) {
    super();
  }

  detailsIn(conversation: readonly ConversationTurn[]): LeadData {
    return findLeadInConversation(this.profile, conversation);
  }

  askedField(assistantMessage: string): LeadFieldSpec | undefined {
    return askedField(this.profile, assistantMessage);
  }

  openQuestion(conversation: readonly ConversationTurn[]): LeadFieldSpec | undefined {
    return openQuestion(this.profile, conversation);
  }

  looksLikeAnswer(field: LeadFieldSpec, message: string): boolean {
    return looksLikeAnswer(field, message);
  }

  isQuestion(message: string): boolean {
    return isQuestion(message);
  }

  isRefusal(message: string): boolean {
    return isRefusal(message);
  }

  isComplete(details: LeadData): boolean {
    return assessLead(this.profile, details).is_complete;
  }
}
