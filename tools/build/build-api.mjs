// Builds the API with SWC: Nest's dependency injection needs decorator metadata, which esbuild
// does not emit, and SWC rewrites the `@chat/contracts` path alias. The API and the contracts
// library are compiled side by side under dist/apps/api, keeping their workspace layout so the
// rewritten relative imports hold; `main.js` at the top starts the app.
import { spawnSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const out = join(root, 'dist/apps/api');
const watch = process.argv.includes('--watch');
const swc = join(root, 'node_modules/.bin/swc');
const args = [
  'apps/api/src',
  'libs/chat-contracts/src',
  '--out-dir', 'dist/apps/api',
  '--config-file', 'apps/api/.swcrc',
  '--ignore', '**/*.spec.ts',
  '--quiet',
  ...(watch ? ['--watch'] : []),
];

if (!watch) rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'main.js'), "require('./apps/api/src/main.js');\n");
// Assets (the assistant profile) and the SQL migrations sit where the code looks for them:
// beside the compiled sources.
for (const dir of ['assets', 'database/migrations']) {
  cpSync(join(root, 'apps/api/src', dir), join(out, 'apps/api/src', dir), { recursive: true });
}

if (watch) {
  spawn(swc, args, { cwd: root, stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 0));
} else {
  const result = spawnSync(swc, args, { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
