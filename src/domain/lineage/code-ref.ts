import { createHash } from 'node:crypto';
import { invalid } from '../errors.js';
import { canonicalJson } from '../provenance/canonical-json.js';

/** The exact code something was built from: a repository, a commit and, for uncommitted work, a digest of the diff. */
export interface CodeRefSpec {
  repository: string;
  commit: string;
  dirtyDigest: string | null;
}

const COMMIT = /^[0-9a-f]{7,64}$/;

export function normaliseCodeRef(input: CodeRefSpec): CodeRefSpec {
  const repository = input.repository.trim();
  if (repository === '') throw invalid('repository must not be empty');
  const commit = input.commit.trim().toLowerCase();
  if (!COMMIT.test(commit)) throw invalid(`commit must be 7 to 64 hex digits; got '${input.commit}'`);
  return { repository, commit, dirtyDigest: input.dirtyDigest?.trim() || null };
}

/** A code ref is content-addressed like an environment, so the same checkout registered twice is one node. */
export function codeRefId(spec: CodeRefSpec): string {
  return createHash('sha256')
    .update(canonicalJson(normaliseCodeRef(spec)))
    .digest('hex')
    .slice(0, 32);
}
