// The widget's byte budget (PROTOCOL.md, "Website widget"), enforced at build time: the loader at
// most 5 KB gzipped, and what a visitor's browser loads before a reply needs more (the entry
// module and the chunks it imports statically) at most 80 KB gzipped. Lazily imported chunks
// (the markdown renderer, marked and DOMPurify, loaded when the panel opens or a reply comes;
// highlight.js, loaded for a reply with code) are listed but not counted. Prints the sizes.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = resolve(root, process.argv[2] ?? 'dist/apps/widget');
const LOADER_LIMIT = 5 * 1024;
const EAGER_LIMIT = 80 * 1024;

const gzipped = (path) =>
  gzipSync(readFileSync(path), { level: constants.Z_BEST_COMPRESSION }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** Static imports of an ES module (`import … from "./x.js"`, `import "./x.js"`), not `import("./x.js")`. */
function staticImports(source) {
  const found = new Set();
  for (const match of source.matchAll(
    /(?:^|[;}\s])(?:import|export)\s*(?:[\w*{}\s,$]+?\s*from\s*)?["'](\.\/[^"']+)["']/g,
  ))
    found.add(match[1].slice(2));
  return [...found];
}

const widgetDir = join(dist, 'widget');
const entry = readdirSync(widgetDir).find((name) => /^main-[A-Z0-9]{8}\.js$/.test(name));
const eager = new Set();
const visit = (name) => {
  if (eager.has(name)) return;
  eager.add(name);
  for (const imported of staticImports(readFileSync(join(widgetDir, name), 'utf8')))
    visit(imported);
};
visit(entry);
const lazy = readdirSync(widgetDir).filter((name) => name.endsWith('.js') && !eager.has(name));

const loader = gzipped(join(dist, 'widget.js'));
const rows = [
  ['widget.js (loader)', readFileSync(join(dist, 'widget.js')).length, loader],
  ...[...eager].map((name) => [
    `widget/${name} (eager)`,
    readFileSync(join(widgetDir, name)).length,
    gzipped(join(widgetDir, name)),
  ]),
  ...lazy.map((name) => [
    `widget/${name} (lazy)`,
    readFileSync(join(widgetDir, name)).length,
    gzipped(join(widgetDir, name)),
  ]),
];
const eagerTotal = rows
  .filter(([name]) => name.endsWith('(eager)'))
  .reduce((sum, [, , gz]) => sum + gz, 0);
for (const [name, raw, gz] of rows)
  console.log(`${name.padEnd(40)} ${kb(raw).padStart(9)}  gzip ${kb(gz).padStart(8)}`);
console.log(
  `loader ${kb(loader)} gzipped (budget ${kb(LOADER_LIMIT)}); widget eager ${kb(eagerTotal)} gzipped (budget ${kb(EAGER_LIMIT)})`,
);

const over = [];
if (loader > LOADER_LIMIT)
  over.push(`the loader is ${kb(loader)} gzipped, over ${kb(LOADER_LIMIT)}`);
if (eagerTotal > EAGER_LIMIT)
  over.push(`the widget's eager files are ${kb(eagerTotal)} gzipped, over ${kb(EAGER_LIMIT)}`);
if (over.length) {
  console.error(`Widget budget exceeded: ${over.join('; ')}`);
  process.exit(1);
}
