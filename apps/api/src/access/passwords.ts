import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { STAFF_PASSWORD_MAX_LENGTH, STAFF_PASSWORD_MIN_LENGTH } from '@chat/contracts';

/**
 * zxcvbn's lowest scores (0-2 of 4: up to 10^8 guesses) are what an online or slow-hash attack
 * reaches: common passwords and their variations, keyboard walks, repeats, the email itself.
 */
const MIN_STRENGTH_SCORE = 3;
/** A local part this short is in too many good passwords to refuse them for containing it. */
const MIN_CONTAINED_LOCAL_PART = 3;

/** Built on first use: the dictionaries take a moment and some memory. */
let estimator: ZxcvbnFactory | undefined;

/**
 * Why `password` may not be a staff password for `email` (a sentence to show), or `undefined`
 * if it may: its length, containing the email or its local part, and zxcvbn's estimate with the
 * common-passwords dictionaries and the email as the account's own words (NIST SP 800-63B:
 * refuse values known to be commonly used or context-specific).
 */
export function weakPasswordReason(password: string, email: string): string | undefined {
  if (password.length < STAFF_PASSWORD_MIN_LENGTH || password.length > STAFF_PASSWORD_MAX_LENGTH) {
    return `The password must be ${STAFF_PASSWORD_MIN_LENGTH} to ${STAFF_PASSWORD_MAX_LENGTH} characters.`;
  }
  const address = email.trim().toLowerCase();
  const localPart = address.split('@')[0] ?? '';
  const lowered = password.toLowerCase();
  if (
    lowered.includes(address) ||
    (localPart.length >= MIN_CONTAINED_LOCAL_PART && lowered.includes(localPart))
  ) {
    return 'The password must not contain the email address or its name part.';
  }
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  if (estimator.check(password, [address, localPart]).score < MIN_STRENGTH_SCORE) {
    return 'The password is too common or too easy to guess: use a few unrelated words, or a password manager.';
  }
  return undefined;
}

/**
 * Staff passwords, hashed with argon2id at OWASP's recommended cost (19 MiB, 2 passes), on
 * libuv's thread pool so the event loop keeps streaming meanwhile. The parameters travel in each
 * hash's PHC string, so raising them later still verifies the old hashes.
 */
@Injectable()
export class Passwords {
  private readonly options = {
    algorithm: Algorithm.Argon2id,
    memoryCost: 19_456,
    timeCost: 2,
    parallelism: 1,
  };
  /** Verified against when no account matches, so that an unknown email costs what a wrong password costs. */
  private readonly decoy = hash('decoy password, never a real one', this.options);

  hash(password: string): Promise<string> {
    return hash(password, this.options);
  }

  async verify(passwordHash: string | undefined, password: string): Promise<boolean> {
    try {
      const matches = await verify(passwordHash ?? (await this.decoy), password);
      return passwordHash !== undefined && matches;
    } catch {
      // A malformed stored hash matches nothing.
      return false;
    }
  }
}
