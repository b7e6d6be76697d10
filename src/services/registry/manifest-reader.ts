import { createHash } from 'node:crypto';
import { invalid } from '../../domain/errors.js';
import type { ManifestEntry } from '../../domain/registry/manifest.js';
import { sortManifest } from '../../domain/registry/manifest.js';
import type { ArtifactStore } from '../../store/artifacts/artifact-store.js';

/** Registering a directory larger than this is refused rather than hashing without end. */
export const MAX_MANIFEST_FILES = 10_000;

/**
 * Reads every file under a location in the artifact store and hashes it, so a version's manifest says what is
 * really stored rather than what a client claims. A location naming a single file yields a one-entry manifest.
 */
export async function readManifest(artifacts: ArtifactStore, location: string): Promise<ManifestEntry[]> {
  const entries: ManifestEntry[] = [];
  const pending = [location];
  while (pending.length > 0) {
    const directory = pending.pop()!;
    for (const listed of await artifacts.list(directory)) {
      if (listed.isDir) {
        pending.push(listed.path);
        continue;
      }
      if (entries.length >= MAX_MANIFEST_FILES) {
        throw invalid(`The model version source holds more than ${MAX_MANIFEST_FILES} files; register a smaller one`);
      }
      const file = await hashFile(artifacts, listed.path);
      if (file) entries.push({ path: listed.path.slice(location.length + 1), ...file });
    }
  }
  if (entries.length === 0) {
    const single = await hashFile(artifacts, location);
    if (single) entries.push({ path: location.split('/').pop()!, ...single });
  }
  return sortManifest(entries);
}

async function hashFile(artifacts: ArtifactStore, path: string): Promise<{ size: number; sha256: string } | undefined> {
  const found = await artifacts.get(path);
  if (!found) return undefined;
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of found.body) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    size += bytes.length;
  }
  return { size, sha256: hash.digest('hex') };
}
