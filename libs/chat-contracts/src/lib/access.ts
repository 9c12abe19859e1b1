/**
 * The Access section of PROTOCOL.md v2: staff sign-in, staff administration and API keys, as
 * they travel over the wire.
 */

/** `agent` reads and exports leads; `admin` also erases them and manages staff and API keys. */
export const STAFF_ROLES = ['agent', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** `chat`: converse, owning the sessions the key creates; `leads:read`: read leads. */
export const API_KEY_SCOPES = ['chat', 'leads:read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** The cookie the staff portal signs in with (`HttpOnly`; the client never reads it). */
export const STAFF_SESSION_COOKIE = 'staff_session';
/** Angular's CSRF convention: the API sets this cookie, the client echoes it in the header. */
export const XSRF_COOKIE = 'XSRF-TOKEN';
export const XSRF_HEADER = 'X-XSRF-TOKEN';

/** A staff password's length, in characters (NIST SP 800-63B's floor for a chosen one is 8). */
export const STAFF_PASSWORD_MIN_LENGTH = 12;
export const STAFF_PASSWORD_MAX_LENGTH = 256;

export interface LoginRequest {
  email: string;
  password: string;
}

export interface StaffUser {
  id: string;
  email: string;
  role: StaffRole;
}

/** `POST /auth/login` and `GET /auth/me`. */
export interface StaffSession {
  user: StaffUser;
}

/** A staff account as an admin sees it. */
export interface StaffAccount extends StaffUser {
  disabled: boolean;
  created_at: string;
}

export interface CreateStaffAccount {
  email: string;
  password: string;
  role: StaffRole;
}

export interface UpdateStaffAccount {
  role?: StaffRole;
  disabled?: boolean;
}

/** An API key as listed: never the key itself, which is shown once, when created. */
export interface ApiKeySummary {
  id: string;
  name: string;
  /** The key's first characters, to recognise it. */
  prefix: string;
  scopes: ApiKeyScope[];
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CreateApiKey {
  name: string;
  scopes: ApiKeyScope[];
}

/** `POST /admin/api-keys`: the only answer that ever holds `key`. */
export interface CreatedApiKey {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  key: string;
  created_at: string;
}
