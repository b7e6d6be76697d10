import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The CLI bundled into one JavaScript file for tests that start `mnemo` as a child process. Compiling the TypeScript
 * sources in every child took four to five seconds of CPU per start on this suite's two cores; the bundle starts in
 * about one. It sits two folders below the root, as src/cli/main.ts does, so paths resolved from `import.meta.url`
 * (package.json, the web UI) point at the same files. Packages stay external and load from node_modules.
 */
export const CLI_BUNDLE = join(ROOT, '.test-build/cli/main.mjs');

export async function buildCliBundle(): Promise<void> {
  await build({
    entryPoints: [join(ROOT, 'src/cli/main.ts')],
    outdir: dirname(CLI_BUNDLE),
    // main.ts loads each command's code when that command runs; split chunks keep it so, where one file would
    // evaluate every command's modules on every start.
    splitting: true,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
}
