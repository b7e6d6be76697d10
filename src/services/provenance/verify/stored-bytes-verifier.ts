import { createHash } from 'node:crypto';
import { joinArtifactPath } from '../../../domain/artifacts/artifact-path.js';
import type { ArtifactStore } from '../../../store/artifacts/artifact-store.js';
import {
  registeredVersionFiles,
  runArtifactFiles,
  type VouchedFile,
} from '../../../store/repositories/stored-file-inventory.js';
import type { Executor } from '../../../store/store.js';
import { rootOfArtifactUri } from '../../tracking/artifact-service.js';

export interface StoredBytesReport {
  files: number;
  problems: string[];
  truncated: boolean;
}

const MAX_PROBLEMS = 100;

/**
 * Re-reads every file the database vouches for (each live model version's manifest, each run's recorded artifacts)
 * from the artifact store and hashes it: the audit log proves what was recorded, this proves the bytes still match
 * it. Reads only.
 */
export async function verifyStoredBytes(
  db: Executor,
  artifacts: ArtifactStore,
  onProgress?: (files: number) => void,
): Promise<StoredBytesReport> {
  const report: StoredBytesReport = { files: 0, problems: [], truncated: false };
  const check = async (file: VouchedFile) => {
    report.files++;
    if (report.files % 1000 === 0) onProgress?.(report.files);
    const problem = await problemWith(artifacts, file);
    if (!problem) return;
    if (report.problems.length < MAX_PROBLEMS) report.problems.push(problem);
    else report.truncated = true;
  };
  for await (const file of registeredVersionFiles(db)) await check(file);
  for await (const file of runArtifactFiles(db)) {
    const root = rootOfArtifactUri(file.artifactUri);
    if (root === undefined) continue;
    await check({ ...file, path: joinArtifactPath(root, file.path) });
  }
  return report;
}

async function problemWith(artifacts: ArtifactStore, file: VouchedFile): Promise<string | undefined> {
  let found: Awaited<ReturnType<ArtifactStore['get']>>;
  try {
    found = await artifacts.get(file.path);
  } catch (error) {
    return `${file.owner}: '${file.path}' cannot be read: ${(error as Error).message}`;
  }
  if (!found) return `${file.owner}: '${file.path}' is missing from the artifact store`;
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of found.body as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  const sha256 = hash.digest('hex');
  if (size !== file.size || sha256 !== file.sha256) {
    return (
      `${file.owner}: '${file.path}' changed: ${size} bytes with sha256 ${sha256}, ` +
      `recorded ${file.size} bytes with sha256 ${file.sha256}`
    );
  }
  return undefined;
}
