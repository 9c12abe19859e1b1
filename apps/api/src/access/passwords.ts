import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * Staff passwords, hashed with argon2id at OWASP's recommended cost (19 MiB, 2 passes), on
 * libuv's thread pool so the event loop keeps streaming meanwhile. The parameters travel in each
 * hash's PHC string, so raising them later still verifies the old hashes.
 */
@Injectable()
export class Passwords {
  private readonly options = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
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
