import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { ActiveRun } from '../../sdk/index.js';

/**
 * Uploads a local file to `artifactPath` (a file path among the run's artifacts). A file already named as the
 * artifact is streamed; one named otherwise is read and sent under the artifact's name.
 */
export async function uploadFileAs(run: ActiveRun, localPath: string, artifactPath: string): Promise<void> {
  const directory = dirname(artifactPath) === '.' ? undefined : dirname(artifactPath);
  const name = basename(artifactPath);
  if (basename(localPath) === name) await run.logArtifact(localPath, directory);
  else await run.logArtifact({ path: name, data: await readFile(localPath) }, directory);
}
