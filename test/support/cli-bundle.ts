import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleCli } from '../../scripts/cli-bundle.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIRECTORY = join(ROOT, '.test-build/cli');

/**
 * The entry of the CLI bundle that tests starting `mnemo` as a child process run; the global setup builds it once per
 * test run. A child started from it takes about 0.15 s where compiling the TypeScript sources took seconds.
 */
export const CLI_BUNDLE = join(DIRECTORY, 'main.mjs');

export async function buildCliBundle(): Promise<void> {
  await bundleCli(DIRECTORY);
}
