export * from './lib/built-api';
export * from './lib/chat-event-parser';
export * from './lib/child-processes';
export * from './lib/free-port';
export * from './lib/raw-mail';
export * from './lib/smtp-listener';
export * from './lib/sse-reader';
export * from './lib/wait-for';
