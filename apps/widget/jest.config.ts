export default {
  displayName: 'widget',
  preset: '../../jest.preset.js',
  // jsdom plus Node's fetch and web streams, so specs talk to a real local HTTP server.
  testEnvironment: '<rootDir>/../../libs/test-support/jsdom-with-fetch-environment.cjs',
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  coverageDirectory: '../../coverage/apps/widget',
  transform: {
    '^.+\\.(ts|mjs|js|html|svg)$': [
      'jest-preset-angular',
      { tsconfig: '<rootDir>/tsconfig.spec.json', stringifyContentPathRegex: '\\.(html|svg)$' },
    ],
  },
  transformIgnorePatterns: ['node_modules/(?!(.*\\.mjs$|marked/|eventsource-parser/))'],
  moduleFileExtensions: ['ts', 'html', 'js', 'json', 'mjs'],
};
