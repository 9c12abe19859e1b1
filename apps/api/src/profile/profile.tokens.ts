/** Injection token of the loaded `AssistantProfileDefinition`. */
export const ASSISTANT_PROFILE = Symbol('ASSISTANT_PROFILE');

/** Injection token of the `AssistantProfile` clients see (`GET /api/chat/profile`). */
export const CLIENT_PROFILE = Symbol('CLIENT_PROFILE');
