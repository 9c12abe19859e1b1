import {
  LEAD_TAG_MAX_LENGTH,
  LEAD_TAG_PATTERN,
  LEAD_TAGS_MAX,
  normalizeLeadTag,
} from '@chat/contracts';

/** A lead's tags with one more, as the API would store them (normalised, once, sorted), or why not. */
export function withTag(
  tags: readonly string[],
  text: string,
): { tags: string[] } | { error: string } {
  const tag = normalizeLeadTag(text);
  if (!tag) return { error: 'Type a tag first.' };
  if (!LEAD_TAG_PATTERN.test(tag)) {
    return {
      error: `A tag is 1–${LEAD_TAG_MAX_LENGTH} letters, digits or hyphens (a-z, 0-9, -).`,
    };
  }
  if (tags.includes(tag)) return { tags: [...tags] };
  if (tags.length >= LEAD_TAGS_MAX) return { error: `A lead has at most ${LEAD_TAGS_MAX} tags.` };
  return { tags: [...tags, tag].sort() };
}

/** A lead's tags without one. */
export function withoutTag(tags: readonly string[], tag: string): string[] {
  return tags.filter((existing) => existing !== tag);
}
