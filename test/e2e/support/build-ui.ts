import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('../../../web/', import.meta.url));
const INDEX = join(WEB, 'dist', 'index.html');
const LOCK = join(WEB, '.build-lock');

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestSource(path) : (await stat(path)).mtimeMs);
  }
  return newest;
}

async function isFresh(): Promise<boolean> {
  const built = await stat(INDEX).catch(() => null);
  if (!built) return false;
  const sources = Math.max(
    await newestSource(join(WEB, 'src')),
    (await stat(join(WEB, 'index.html'))).mtimeMs,
    (await stat(join(WEB, 'vite.config.ts'))).mtimeMs,
  );
  return built.mtimeMs >= sources;
}

/**
 * Builds the web UI into web/dist when it is missing or older than its sources, so browser tests always exercise
 * the current code. A lock directory keeps parallel test files from building at the same time.
 */
export async function ensureUiBuilt(): Promise<void> {
  if (await isFresh()) return;
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for another UI build (remove ${LOCK} if stale)`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    if (await isFresh()) return;
    const { build } = await import('vite');
    // The server serves this build, and the benchmark measures it, so it must be the production build. Vite and the
    // React plugin read NODE_ENV, which the test runner sets to "test": left so, the bundle would carry React's
    // development build and JSX runtime, larger and several times slower to render.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
  } finally {
    await rm(LOCK, { recursive: true, force: true });
  }
}
