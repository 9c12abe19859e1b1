/** Injection token of the loaded `AssistantProfileDefinition`. */
export const ASSISTANT_PROFILE = Symbol('ASSISTANT_PROFILE');
