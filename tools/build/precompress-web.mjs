// Writes a brotli (`.br`) and a gzip (`.gz`) copy beside each text file of the built portal, at
// the strongest settings: compressing once at build time costs nothing per request, and the API
// (express-static-gzip) or a proxy (nginx's gzip_static / brotli_static) sends the copy the
// browser accepts. A copy that would not be smaller is not written.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = resolve(root, process.argv[2] ?? 'dist/apps/web/browser');
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|txt|map|webmanifest|ico)$/;
const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

function filesUnder(folder) {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const compressed = await Promise.all(
  filesUnder(dir)
    .filter((path) => COMPRESSIBLE.test(path))
    .map(async (path) => {
      const original = readFileSync(path);
      const copies = await Promise.all([
        brotli(original, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: original.length,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          },
        }).then((bytes) => ['.br', bytes]),
        gz(original, { level: constants.Z_BEST_COMPRESSION }).then((bytes) => ['.gz', bytes]),
      ]);
      const written = copies.filter(([, bytes]) => bytes.length < original.length);
      for (const [extension, bytes] of written) writeFileSync(path + extension, bytes);
      return {
        path,
        size: original.length,
        copies: Object.fromEntries(written.map(([e, b]) => [e, b.length])),
      };
    }),
);

const kb = (bytes) => (bytes === undefined ? '-' : `${(bytes / 1024).toFixed(1)} kB`);
for (const file of compressed.sort((a, b) => b.size - a.size)) {
  console.log(
    `${relative(dir, file.path).padEnd(28)} ${kb(file.size).padStart(9)}  br ${kb(file.copies['.br']).padStart(9)}  gz ${kb(file.copies['.gz']).padStart(9)}`,
  );
}
