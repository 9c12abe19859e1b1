import { accessSync, constants, statSync } from 'node:fs';

/** Where Debian, Ubuntu and Google's packages install a Chromium or Chrome, in the order tried. */
export const BROWSER_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/opt/google/chrome/chrome',
];

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The browser the tests drive: `CHROMIUM_PATH` when set (it must be one), else the first of
 * {@link BROWSER_PATHS} installed. Throws a one-line error saying how to get one.
 */
export function findBrowser(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env['CHROMIUM_PATH'];
  if (chosen) {
    if (isExecutableFile(chosen)) return chosen;
    throw new Error(
      `CHROMIUM_PATH is ${chosen}, which is not an executable file: point it at a Chromium or Chrome binary, or unset it and install Chromium (apt-get install chromium).`,
    );
  }
  const found = BROWSER_PATHS.find(isExecutableFile);
  if (found) return found;
  throw new Error(
    `No Chromium or Chrome for the browser tests (looked in ${BROWSER_PATHS.join(', ')}): install Chromium (apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary.`,
  );
}
