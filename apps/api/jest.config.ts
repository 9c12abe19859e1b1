export default {
  displayName: 'api',
  preset: '../../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js'],
  // A store suite's beforeAll opens PGlite (its WebAssembly compiled, then every migration run on a
  // new database): several seconds on a 2-core machine running other suites, past Jest's 5 s.
  testTimeout: 30_000,
  // As main.ts does first: Nest's decorators read and write metadata through it.
  setupFiles: ['reflect-metadata'],
  // request-filtering-agent and eventsource-parser ship ES modules only: compiled like the
  // sources, as Jest runs CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(request-filtering-agent|eventsource-parser)/)'],
  // Finds the test PostgreSQL server once: the store suites run on it as well as on PGlite.
  globalSetup: '<rootDir>/../../libs/test-support/src/postgres-global-setup.ts',
  coverageDirectory: '../../coverage/apps/api',
};
