import baseConfig from '../../eslint.config.mjs';

/**
 * The API's folders and the folders each may import: one direction, so no folder cycle. The
 * model layer sits below the lead domain (the lead rules reach the demo model by injection,
 * `ModelModule.forRoot`), sessions and email below the chat turn, and the app wires them all.
 * `metrics/` sits just above `config/`, so that every layer, `common/` included, can record.
 * `turn-events/` sits at the bottom, types only and its subject: the turn publishes to it and
 * the features it does not call (feed, webhook, metrics) subscribe.
 * Specs may import across layers: like `app/`, a spec composes the real pieces.
 */
const LAYERS = {
  config: [],
  'turn-events': [],
  metrics: ['config', 'turn-events'],
  common: ['metrics'],
  logging: [],
  database: ['config'],
  redis: ['config', 'common'],
  profile: ['config', 'common'],
  model: ['config', 'common', 'profile'],
  'lead-extraction': ['config', 'common', 'profile', 'model'],
  sessions: ['config', 'common', 'database'],
  access: ['config', 'common', 'database', 'redis'],
  leads: ['config', 'common', 'database', 'redis', 'profile', 'access', 'turn-events'],
  email: ['config', 'common', 'profile', 'sessions'],
  notifications: [
    'config',
    'common',
    'metrics',
    'database',
    'profile',
    'sessions',
    'email',
    'leads',
    'turn-events',
  ],
  chat: [
    'config',
    'common',
    'metrics',
    'logging',
    'database',
    'profile',
    'model',
    'lead-extraction',
    'redis',
    'sessions',
    'access',
    'leads',
    'email',
    'notifications',
    'turn-events',
  ],
  health: ['config', 'common', 'database', 'redis', 'chat'],
};
const FOLDERS = [...Object.keys(LAYERS), 'app'];

const layerRules = Object.entries(LAYERS).map(([folder, allowed]) => {
  const forbidden = FOLDERS.filter((other) => other !== folder && !allowed.includes(other));
  return {
    files: [`src/${folder}/**/*.ts`],
    ignores: ['src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`,
              message: `${folder}/ may import only ${allowed.length ? allowed.join(', ') : 'no other API folder'} (apps/api/eslint.config.mjs): the API's folders depend in one direction.`,
            },
          ],
        },
      ],
    },
  };
});

export default [...baseConfig, ...layerRules];
