import { createHash } from 'node:crypto';
import { canonicalJson } from '../provenance/canonical-json.js';

/** A file inside a directory dataset, with its path relative to that directory (forward slashes). */
export interface DirectoryEntry {
  path: string;
  sha256: string;
}

/**
 * A directory's digest: sha256 over the canonical JSON of its files' relative paths and sha256s, sorted by path.
 * Renaming, adding, removing or editing any file changes it; the order files are listed in does not.
 */
export function directoryDigest(entries: readonly DirectoryEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return `sha256:${createHash('sha256').update(canonicalJson(sorted)).digest('hex')}`;
}

/** Digests are compared as `sha256:<hex>`; a bare 64-digit hex string is taken to be sha256 too. */
export function normaliseSha256(digest: string | null): string | null {
  if (digest === null) return null;
  const lower = digest.trim().toLowerCase();
  if (/^sha256:[0-9a-f]{64}$/.test(lower)) return lower;
  if (/^[0-9a-f]{64}$/.test(lower)) return `sha256:${lower}`;
  return null;
}

export type DigestVerdict = 'unchanged' | 'modified' | 'unverifiable';

/** Only a sha256 recorded at registration can be checked; other digests (MLflow's short ones) are reported as such. */
export function compareDigest(recorded: string | null, observed: string): DigestVerdict {
  const expected = normaliseSha256(recorded);
  if (expected === null) return 'unverifiable';
  return expected === normaliseSha256(observed) ? 'unchanged' : 'modified';
}
