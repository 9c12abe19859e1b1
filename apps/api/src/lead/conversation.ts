/** One message of a conversation, as the lead extractors and the demo model read it. */
export interface ConversationTurn {
  role: 'user' | 'assistant';
  content: string;
}
