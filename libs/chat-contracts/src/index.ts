export * from './lib/access';
export * from './lib/errors';
export * from './lib/events';
export * from './lib/event-guard';
export * from './lib/lead';
export * from './lib/leads';
export * from './lib/requests';
export * from './lib/sse';
