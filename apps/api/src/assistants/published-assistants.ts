import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import type { AssistantProfileDefinition } from '../profile/assistant-profile';
import { AssistantStore } from './assistant-store';

/** How a published version is named in the cache and in the turn's statement: `id@version`. */
export const versionKey = (id: string, version: number): string => `${id}@${version}`;

/** The version a preview session runs: the assistant's draft as saved at each turn, never cached. */
export const DRAFT_VERSION = 0;

/**
 * The published versions this instance has run, by `(id, version)`. A version never changes
 * (the database refuses it), so an entry is never invalidated and is the same object for the
 * process's life (the extractors and the demo model key their per-assistant work on it). Which
 * version is live is not cached: a turn's one statement reads it with the session (see
 * `SessionRepository.beginTurn`), so a publish on any instance is seen by the next new session
 * everywhere, with no invalidation to send.
 */
@Injectable()
export class PublishedAssistants {
  private readonly definitions = new Map<string, AssistantProfileDefinition>();
  /** The keys held, as the JSON array the turn's statement takes; rebuilt when one is added. */
  private heldJson = '[]';

  constructor(private readonly store: AssistantStore) {}

  /** The cached definition of `id`'s version `version`, if this instance has it. */
  cached(id: string, version: number): AssistantProfileDefinition | undefined {
    return this.definitions.get(versionKey(id, version));
  }

  /** Keeps a definition read with a turn; answers the one kept if another call kept it first. */
  remember(id: string, version: number, definition: AssistantProfileDefinition) {
    const key = versionKey(id, version);
    const held = this.definitions.get(key);
    if (held) return held;
    this.definitions.set(key, definition);
    this.heldJson = JSON.stringify([...this.definitions.keys()]);
    return definition;
  }

  /** The `id@version` keys held, as a JSON array: the turn's statement sends only the others. */
  held(): string {
    return this.heldJson;
  }

  /**
   * The definition of a version, cached or read (one query); `404 not_found` if there is none.
   * {@link DRAFT_VERSION} is the draft, read each time.
   */
  async definition(id: string, version: number): Promise<AssistantProfileDefinition> {
    if (version === DRAFT_VERSION) {
      const draft = await this.store.draft(id);
      if (!draft) throw new ApiError('not_found', 'No such assistant.');
      return draft;
    }
    const cached = this.cached(id, version);
    if (cached) return cached;
    const definition = await this.store.version(id, version);
    if (!definition) throw new ApiError('not_found', 'No such assistant version.');
    return this.remember(id, version, definition);
  }
}
