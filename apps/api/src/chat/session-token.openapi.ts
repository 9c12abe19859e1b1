/** The OpenAPI security scheme of session tokens (registered in `setupApp`). */
export const SESSION_TOKEN_SCHEME = 'session-token';
