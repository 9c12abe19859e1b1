import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    files: ['**/*.ts'],
    rules: {
      // The contracts are shared with the browser: no framework may leak in.
      'no-restricted-imports': [
        'error',
        { patterns: ['@nestjs/*', '@angular/*', 'class-validator', 'class-transformer', 'rxjs'] },
      ],
    },
  },
];
