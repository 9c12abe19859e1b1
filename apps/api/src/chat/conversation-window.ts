import type { ConversationTurn } from '../model/model-output';
import type { StoredTurn } from '../sessions/session-repository';

/** A stored message as the model reads it: a staff member's is the business's side, signed. */
export function modelTurn(turn: StoredTurn): ConversationTurn {
  return turn.role === 'staff'
    ? {
        role: 'assistant',
        content: `[${turn.author ?? 'Staff'}, from the team, wrote:]\n${turn.content}`,
      }
    : { role: turn.role, content: turn.content };
}

/**
 * The part of a conversation the model reads: its latest messages, as many as fit in
 * `maxChars` (the newest always, whatever its length), so that a long session costs each turn
 * no more than a short one. What was collected earlier travels in the system prompt instead.
 */
export function conversationWindow(
  conversation: readonly ConversationTurn[],
  maxChars: number,
): ConversationTurn[] {
  let start = conversation.length - 1;
  let chars = conversation[start]?.content.length ?? 0;
  while (start > 0 && chars + conversation[start - 1].content.length <= maxChars) {
    start -= 1;
    chars += conversation[start].content.length;
  }
  // A window opens on the visitor's words, not on a reply to something it no longer shows.
  if (conversation[start]?.role === 'assistant' && start < conversation.length - 1) start += 1;
  return conversation.slice(Math.max(start, 0));
}
