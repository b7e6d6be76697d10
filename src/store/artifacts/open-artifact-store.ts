import type { ArtifactStore } from './artifact-store.js';
import { FsArtifactStore } from './fs-artifact-store.js';

/** A directory path, or `file://` URI, becomes a filesystem store. */
export function openArtifactStore(destination: string): ArtifactStore {
  if (/^s3:\/\//i.test(destination)) {
    throw new Error('S3 artifact destinations need the S3 artifact store, which this build does not include');
  }
  const path = destination.startsWith('file://') ? new URL(destination).pathname : destination;
  return new FsArtifactStore(path);
}
