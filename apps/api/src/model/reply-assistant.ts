import { AsyncLocalStorage } from 'node:async_hooks';
import type { AssistantProfileDefinition } from '../profile/assistant-profile';

/**
 * The assistant a model call answers as, for the length of the call. A real model reads it from
 * the system prompt; the offline demo model answers from the profile itself (its knowledge, its
 * fields' questions), and reads it here, inside the SDK's `fetch`, where only the HTTP body arrives.
 */
export const replyAssistant = new AsyncLocalStorage<AssistantProfileDefinition>();
