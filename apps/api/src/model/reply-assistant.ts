import { AsyncLocalStorage } from 'node:async_hooks';
import type { AssistantProfileDefinition } from '../profile/assistant-profile';
import type { KnowledgePassage } from './model-output';

/** What a model call answers as and from: the assistant, and the passages of its knowledge retrieved for the turn. */
export interface ReplyContext {
  assistant?: AssistantProfileDefinition;
  passages: readonly KnowledgePassage[];
}

/**
 * The assistant a model call answers as, and the passages it is given, for the length of the
 * call. A real model reads both from the system prompt; the offline demo model answers from the
 * profile itself (its knowledge, its fields' questions) and from the passages, and reads them
 * here, inside the SDK's `fetch`, where only the HTTP body arrives.
 */
export const replyContext = new AsyncLocalStorage<ReplyContext>();
