import { sha256Hex } from '../provenance/audit-event.js';
import { canonicalJson } from '../provenance/canonical-json.js';

/** One file of a model version: its path relative to the version's location, its size and its sha256. */
export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string;
}

/** Entries sorted by path (UTF-16 order, as canonical JSON sorts keys) so equal directories give equal manifests. */
export function sortManifest(entries: readonly ManifestEntry[]): ManifestEntry[] {
  return [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The digest that stands for a whole model directory: sha256 over the canonical JSON of the sorted manifest. Any
 * change to any file's bytes, name or presence changes it.
 */
export function manifestDigest(entries: readonly ManifestEntry[]): string {
  const sorted = sortManifest(entries).map(({ path, size, sha256 }) => ({ path, sha256, size }));
  return sha256Hex(canonicalJson(sorted));
}
