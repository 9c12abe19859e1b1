import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { LeadData, VisitorIdentity } from '@chat/contracts';
import type { AssistantProfileDefinition } from '../profile/assistant-profile';
import { RecentReads } from '../common/recent-reads';
import { AssistantStore } from './assistant-store';

/** How long an assistant's identity secret is kept before it is read again: a rotation shows within it. */
const SECRET_TTL_MS = 1000;

/**
 * A host site vouches for its signed-in visitor (PROTOCOL.md, Website widget: `identify`): the
 * email and name it sends are taken as collected only with `user_hash`, the hex HMAC-SHA256 of
 * the email under the assistant's identity secret, as Intercom's identity verification does.
 * Anything else a page says about its visitor is the visitor's to confirm, not the server's to
 * trust.
 */
@Injectable()
export class VisitorIdentities {
  private readonly secrets = new RecentReads<string | undefined>(SECRET_TTL_MS);

  constructor(private readonly store: AssistantStore) {}

  /**
   * The details of `identity` to take as collected for `profile`'s fields named `email` and
   * `name` (those the lead lacks), if its `user_hash` verifies; else none.
   */
  async verified(
    profile: AssistantProfileDefinition,
    identity: VisitorIdentity,
    collected: LeadData,
  ): Promise<LeadData> {
    const { email, name, user_hash: userHash } = identity;
    if (!email || !userHash) return {};
    const secret = await this.secretOf(profile.id);
    if (!secret || !sameHex(createHmac('sha256', secret).update(email).digest('hex'), userHash)) {
      return {};
    }
    const fields = new Set(profile.fields.map((field) => field.name));
    return {
      ...(fields.has('email') && !collected['email'] && { email }),
      ...(name && fields.has('name') && !collected['name'] && { name }),
    };
  }

  private secretOf(assistantId: string): Promise<string | undefined> {
    return this.secrets.get(assistantId, () => this.store.identitySecret(assistantId));
  }
}

/** Two hex digests compared in constant time (a wrong length is simply unequal). */
function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
