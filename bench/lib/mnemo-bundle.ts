import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleCli } from '../../scripts/cli-bundle.js';

const DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), '..', '.data');

let bundled: Promise<string> | undefined;

/** The `mnemo` CLI bundled once per benchmark run, for the server and CLI child processes it starts. */
export function mnemoBundle(): Promise<string> {
  bundled ??= bundleCli(DIRECTORY);
  return bundled;
}
