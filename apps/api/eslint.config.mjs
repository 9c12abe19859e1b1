import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    // Tests may use the workspace's test tools (the local OpenAI-compatible server); app code may not.
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          depConstraints: [
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:api', 'scope:shared', 'scope:tools'] },
          ],
        },
      ],
    },
  },
];
