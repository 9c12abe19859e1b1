import baseConfig from '../../eslint.config.mjs';

// The jsdom environment with Node's fetch is a CommonJS file Jest loads by path.
export default [...baseConfig, { ignores: ['jsdom-with-fetch-environment.cjs'] }];
