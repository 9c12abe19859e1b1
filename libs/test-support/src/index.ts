export * from './lib/built-api';
export * from './lib/child-processes';
export * from './lib/free-port';
export * from './lib/raw-mail';
export * from './lib/smtp-listener';
export * from './lib/wait-for';
