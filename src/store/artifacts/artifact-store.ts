import type { Readable } from 'node:stream';

export interface StoredObject {
  size: number;
  sha256: string;
}

export interface ListedObject {
  /** Path relative to the listed directory's root (the store root), forward slashes. */
  path: string;
  isDir: boolean;
  size: number | null;
}

/**
 * Where artifact bytes live. Paths are already normalised (see domain/artifacts/artifact-path.ts) and relative to
 * the store's root; implementations still confine them to the root as a second line of defence.
 */
export interface ArtifactStore {
  readonly description: string;
  put(path: string, body: Readable): Promise<StoredObject>;
  /** Resolves to undefined when no such file exists. */
  get(path: string): Promise<{ body: Readable; size: number } | undefined>;
  list(directory: string): Promise<ListedObject[]>;
  delete(path: string): Promise<void>;
  /** Resolves when the store can be written to now (the folder exists and is writable, the bucket answers). */
  checkReachable(): Promise<void>;
}
