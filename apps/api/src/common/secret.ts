import { createHash, randomBytes } from 'node:crypto';

/**
 * A random secret (256 bits, base64url) for a session token, a staff cookie or an API key, and
 * the hash it is stored as. SHA-256 is right for secrets this large: nobody can try them from a
 * dictionary, unlike passwords.
 */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
