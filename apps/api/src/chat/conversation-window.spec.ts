import type { ConversationTurn } from '../model/model-output';
import { conversationWindow } from './conversation-window';

const turn = (role: ConversationTurn['role'], length: number, mark = ''): ConversationTurn => ({
  role,
  content: mark + 'x'.repeat(length - mark.length),
});

describe('conversationWindow', () => {
  it('keeps the whole conversation when it fits', () => {
    const conversation = [turn('user', 10), turn('assistant', 10), turn('user', 10)];
    expect(conversationWindow(conversation, 30)).toEqual(conversation);
  });

  it('keeps the newest messages that fit, opening on a visitor message', () => {
    const conversation = [turn('user', 10, 'a'), turn('assistant', 10, 'b'), turn('user', 10, 'c'), turn('assistant', 10, 'd'), turn('user', 10, 'e')];
    expect(conversationWindow(conversation, 35).map((t) => t.content[0])).toEqual(['c', 'd', 'e']);
    expect(conversationWindow(conversation, 20).map((t) => t.content[0])).toEqual(['e']);
  });

  it('always keeps the newest message, even one longer than the budget', () => {
    const conversation = [turn('user', 10), turn('assistant', 10), turn('user', 500, 'z')];
    expect(conversationWindow(conversation, 100)).toEqual([conversation[2]]);
  });

  it('is bounded however long the session grows', () => {
    const conversation = Array.from({ length: 400 }, (_, i) => turn(i % 2 ? 'assistant' : 'user', 4000));
    const window = conversationWindow(conversation, 24_000);
    expect(window.reduce((sum, t) => sum + t.content.length, 0)).toBeLessThanOrEqual(24_000);
    expect(window.at(-1)).toBe(conversation.at(-1));
  });
});
