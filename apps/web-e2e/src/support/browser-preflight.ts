/**
 * Run before the browser tests (the e2e target's first command): without a browser they would
 * start the APIs and then fail every test the same way, so this stops the run at once with one
 * line saying how to install one.
 */
import { findBrowser } from './find-browser';

try {
  console.log(`Browser tests drive ${findBrowser()}`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
