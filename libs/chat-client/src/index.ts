// The chat's client, drawn nowhere: the portal and the website widget are two shells over it.
export { API_BASE_URL, FETCH } from './lib/api-config';
export { apiErrorInterceptor, provideChatHttp } from './lib/api-error-interceptor';
export { ChatApi } from './lib/chat-api';
export { CHAT_REST, type ChatRest, fetchRest } from './lib/chat-rest';
export {
  ApiRequestError,
  type ChatError,
  chatError,
  type ClientErrorCode,
  describeError,
  parseRetryAfter,
  rateLimitedNotice,
} from './lib/chat-error';
export { type ChatStatus, ChatStore, type Delivery, type LiveReply } from './lib/chat-store';
export { followReply } from './lib/follow-reply';
export { newSessionId, SessionIdStore, sessionStorageKeys } from './lib/session-id';
export { readChatEvents, type ReceivedEvent } from './lib/sse-events';
export { appendCursor } from './lib/markdown/cursor';
export { escapeHtml } from './lib/escape-html';
export { highlightWithin, loadHighlighter } from './lib/markdown/code-highlighter';
// marked and DOMPurify load lazily, in a chunk of their own, through this loader only.
export {
  loadMarkdown,
  type MarkdownRenderer,
  markdownRenderer,
} from './lib/markdown/markdown-loader';
export { ReplyHtml } from './lib/markdown/reply-html';
export { appendFinishedBlocks } from './lib/markdown/reply-sections';
export { accentOf, DEFAULT_APPEARANCE, textOn } from './lib/appearance';
