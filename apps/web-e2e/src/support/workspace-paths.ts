/**
 * Jest loads its global setup and teardown with Node's own module resolution, which does not
 * know tsconfig.base.json's path aliases (the tests themselves resolve them through Nx's Jest
 * resolver). Imported first by both, this teaches Node the aliases (`@chat/test-support`).
 */
import { join } from 'node:path';
import { loadConfig, register } from 'tsconfig-paths';

const config = loadConfig(join(__dirname, '../../../../tsconfig.base.json'));
if (config.resultType === 'failed') throw new Error(config.message);
register({ baseUrl: config.absoluteBaseUrl, paths: config.paths });
