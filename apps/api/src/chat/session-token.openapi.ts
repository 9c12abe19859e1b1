import { SESSION_TOKEN_HEADER } from '@chat/contracts';

/** The request header (as Express names it) that carries a session's token. */
export const SESSION_TOKEN = SESSION_TOKEN_HEADER.toLowerCase();

/** The OpenAPI security scheme of session tokens (registered in `setupApp`). */
export const SESSION_TOKEN_SCHEME = 'session-token';
