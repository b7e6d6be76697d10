import { joinArtifactPath } from '../../domain/artifacts/artifact-path.js';
import type { DeclaredDependencies } from '../../domain/dependencies/declared-dependency.js';
import { isDeclarationFile } from '../../domain/dependencies/read-dependency-files.js';
import { MnemoError } from '../../domain/errors.js';
import type { ManifestEntry } from '../../domain/registry/manifest.js';
import type { ArtifactStore } from '../../store/artifacts/artifact-store.js';
import { readDeclarationFiles } from './dependency-service.js';

/** Declaration files are small; a larger one is not a requirements file worth reading at registration. */
const MAX_DECLARATION_BYTES = 1_000_000;

/**
 * What a model's own files declare (MLmodel, requirements.txt, conda.yaml, python_env.yaml at the top of its
 * folder), read at registration. A file that cannot be parsed does not stop the registration — MLflow clients
 * register whatever they logged — it is listed as skipped with the reason, file, line and column, and the
 * declarations can be corrected through the API.
 */
export async function declarationsInModelFiles(
  artifacts: ArtifactStore,
  storagePath: string,
  manifest: readonly ManifestEntry[],
): Promise<DeclaredDependencies | null> {
  const entries = manifest.filter(
    (e) => !e.path.includes('/') && isDeclarationFile(e.path) && e.size <= MAX_DECLARATION_BYTES,
  );
  if (entries.length === 0) return null;
  const result: DeclaredDependencies = { dependencies: [], skipped: [] };
  for (const entry of entries) {
    // A version registered from one file stores that file itself under its storage path.
    const single = manifest.length === 1 && storagePath.split('/').pop() === entry.path;
    const found = await artifacts.get(single ? storagePath : joinArtifactPath(storagePath, entry.path));
    if (!found) continue;
    const chunks: Buffer[] = [];
    for await (const chunk of found.body) chunks.push(Buffer.from(chunk as Uint8Array));
    const content = Buffer.concat(chunks).toString('utf8');
    try {
      const read = readDeclarationFiles([{ name: entry.path, content }]);
      result.dependencies.push(...read.dependencies);
      result.skipped.push(...read.skipped);
      if (read.allowPrereleases) result.allowPrereleases = true;
    } catch (error) {
      if (!(error instanceof MnemoError)) throw error;
      const spot = (error.details as { line?: number; column?: number } | undefined) ?? {};
      result.skipped.push({
        spot: { file: entry.path, line: spot.line ?? 1, column: spot.column ?? 1 },
        text: entry.path,
        why: `not read: ${error.message}`,
      });
    }
  }
  return result;
}
