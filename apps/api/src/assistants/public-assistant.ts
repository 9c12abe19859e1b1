import type { AssistantAppearance, PublicAssistant } from '@chat/contracts';
import { toClientProfile } from '../profile/client-profile';
import type { PublishedAssistant } from './assistant-store';

/** The widget's look for an assistant whose profile sets none: its name, on the usual corner. */
export const DEFAULT_APPEARANCE: Omit<AssistantAppearance, 'title'> = {
  accent_color: '#2563eb',
  launcher_label: 'Chat with us',
  position: 'bottom-right',
};

/**
 * What `GET /assistants/{id}` shows of a published version: what `GET /chat/profile` shows (the
 * privacy notice included), its id, version and appearance; no instructions, rules or recipients.
 */
export function toPublicAssistant(
  published: PublishedAssistant,
  model: { model: string; demo: boolean },
): PublicAssistant {
  const profile = toClientProfile(published.definition, model);
  const { name } = profile;
  return {
    id: published.id,
    ...profile,
    version: published.version,
    appearance: published.definition.appearance ?? { title: name, ...DEFAULT_APPEARANCE },
  };
}
