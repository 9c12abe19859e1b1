// Bundles the widget's loader (apps/widget/src/loader.ts) into `<dist>/widget.js`, minified, with
// the name of the widget's content-hashed entry module written in: the loader is the one file
// whose name never changes, so it is cached for minutes and the entry for a year.
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = resolve(root, process.argv[2] ?? 'dist/apps/widget');
const entry = readdirSync(join(dist, 'widget')).find((name) => /^main-[A-Z0-9]{8}\.js$/.test(name));
if (!entry)
  throw new Error(
    `No hashed widget entry (main-*.js) in ${join(dist, 'widget')}: build widget:bundle first`,
  );

await build({
  entryPoints: [join(root, 'apps/widget/src/loader.ts')],
  outfile: join(dist, 'widget.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  legalComments: 'none',
  define: { WIDGET_ENTRY: JSON.stringify(`widget/${entry}`) },
  logLevel: 'warning',
});
console.log(`widget.js loads widget/${entry}`);
