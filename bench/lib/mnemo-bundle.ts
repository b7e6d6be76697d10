import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// esbuild is what tsx compiles with (tsx depends on it), so it is always installed where the benchmark runs.
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * Two directories below the repository root, like src/api/*.ts: the sources find package.json and the built web UI
 * through `new URL('../../…', import.meta.url)`, which then resolves the same from the bundle.
 */
const OUTFILE = join(ROOT, 'bench', '.data', 'mnemo.mjs');

let bundled: Promise<string> | undefined;

/**
 * The `mnemo` CLI as one JavaScript file, built once per benchmark run, for the server and CLI child processes.
 * Under tsx every start resolved and compiled some hundreds of modules through loader hooks (4–6 s on a busy
 * 2-core machine, paid a dozen times in a run); the bundle starts in about half that, as compiled JavaScript does
 * in production. Packages stay external (imported from node_modules as usual); the code is the same TypeScript,
 * compiled by the same compiler tsx uses.
 */
export function mnemoBundle(): Promise<string> {
  bundled ??= build({
    entryPoints: [join(ROOT, 'src', 'cli', 'main.ts')],
    outfile: OUTFILE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  }).then(() => OUTFILE);
  return bundled;
}
