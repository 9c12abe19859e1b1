import unitConfig from './jest.config.ts';

/** Integration tests: the real app listening on a port, with a local model server and SMTP listener. */
export default {
  ...unitConfig,
  displayName: 'api-e2e',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  testTimeout: 30_000,
};
