export * from './lib/built-api';
export * from './lib/child-processes';
export * from './lib/free-port';
export * from './lib/wait-for';
