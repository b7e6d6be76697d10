import type { ArtifactStore } from './artifact-store.js';
import { FsArtifactStore } from './fs-artifact-store.js';
import { S3ArtifactStore } from './s3-artifact-store.js';

/** `s3://bucket/prefix` becomes an S3 store; a directory path or `file://` URI a filesystem store. */
export function openArtifactStore(destination: string): ArtifactStore {
  if (/^s3:\/\//i.test(destination)) return S3ArtifactStore.fromUri(destination);
  const path = destination.startsWith('file://') ? new URL(destination).pathname : destination;
  return new FsArtifactStore(path);
}
