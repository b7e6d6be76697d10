import { readdir, rm, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// esbuild is what tsx and Vite compile with; it is a development dependency of its own for this.
import { build } from 'esbuild';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/**
 * Bundles the `mnemo` CLI into `directory` (which must sit two folders below the repository root, as src/cli does,
 * so `new URL('../../…', import.meta.url)` in the sources finds package.json and the web UI from the bundle too) and
 * returns the path of its entry file. The benchmark and the tests start the CLI as child processes from it: under tsx
 * every start compiled some hundreds of modules through loader hooks, seconds each time on a busy 2-core machine.
 * Chunks are split at main.ts's dynamic imports, so each command still loads only its own modules; packages stay
 * external and load from node_modules.
 */
export async function bundleCli(directory: string): Promise<string> {
  const depth = relative(ROOT, resolve(directory)).split(/[\\/]/).length;
  if (depth !== 2) throw new Error(`the CLI bundle must go two folders below the repository root, not ${directory}`);
  const { metafile } = await build({
    metafile: true,
    entryPoints: [join(ROOT, 'src', 'cli', 'main.ts')],
    outdir: directory,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  await dropStaleChunks(directory, new Set(Object.keys(metafile.outputs).map((output) => resolve(ROOT, output))));
  return join(directory, 'main.mjs');
}

/** Chunk names carry a hash of their contents, so every change of the sources leaves the previous chunks behind. */
const STALE_AFTER_MS = 3_600_000;

/**
 * Deletes files of earlier builds that this one did not write. Only those an hour old: a benchmark or test run that
 * started from an earlier build may still import its chunks lazily.
 */
async function dropStaleChunks(directory: string, written: ReadonlySet<string>): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(directory)) {
    const path = resolve(directory, name);
    if (written.has(path)) continue;
    const { mtimeMs, isFile } = await stat(path).then((s) => ({ mtimeMs: s.mtimeMs, isFile: s.isFile() }));
    if (isFile && now - mtimeMs > STALE_AFTER_MS) await rm(path, { force: true });
  }
}
