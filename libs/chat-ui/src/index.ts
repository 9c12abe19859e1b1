// The chat's building blocks as both surfaces draw them (the portal's page and the widget's panel).
export { Composer } from './lib/composer/composer';
export { Conversation } from './lib/conversation/conversation';
export { FinishedMessage } from './lib/finished-message/finished-message';
export { StreamingReply } from './lib/streaming-reply/streaming-reply';
export { ChatFooter } from './lib/chat-footer/chat-footer';
