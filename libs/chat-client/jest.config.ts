export default {
  displayName: 'chat-client',
  preset: '../../jest.preset.js',
  // jsdom plus Node's fetch and web streams, so specs talk to a real local HTTP server.
  testEnvironment: '<rootDir>/../../libs/test-support/jsdom-with-fetch-environment.cjs',
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  coverageDirectory: '../../coverage/libs/chat-client',
  transform: {
    '^.+\\.(ts|mjs|js|html|svg)$': [
      'jest-preset-angular',
      { tsconfig: '<rootDir>/tsconfig.spec.json', stringifyContentPathRegex: '\\.(html|svg)$' },
    ],
  },
  // marked ships ES modules only.
  transformIgnorePatterns: ['node_modules/(?!(.*\\.mjs$|marked/|eventsource-parser/))'],
  moduleFileExtensions: ['ts', 'html', 'js', 'json', 'mjs'],
};
