import type { AssistantProfile, LeadFieldDescriptor } from '@chat/contracts';
import type { AssistantProfileDefinition } from './assistant-profile';

/** What `GET /api/chat/profile` shows: the assistant and its fields, without instructions or rules. */
export function toClientProfile(
  definition: AssistantProfileDefinition,
  model: { model: string; demo: boolean },
): AssistantProfile {
  return {
    name: definition.name,
    greeting: definition.greeting,
    model: model.model,
    demo: model.demo,
    ...(definition.privacy_notice && { privacy_notice: definition.privacy_notice }),
    ...(definition.privacy_url && { privacy_url: definition.privacy_url }),
    fields: definition.fields.map((field): LeadFieldDescriptor => ({
      name: field.name,
      label: field.label,
      description: field.description,
      required: field.required,
      ...(field.options ? { options: [...field.options] } : {}),
    })),
  };
}
