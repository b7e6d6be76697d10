import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { measuringStream } from '../artifacts/measuring-stream.js';

export interface ArtifactFile {
  path: string;
  size: number;
  sha256: string;
}

/** Every file in the store, depth first, in path order. */
export async function* walkArtifacts(store: ArtifactStore, directory = ''): AsyncGenerator<string> {
  for (const entry of await store.list(directory)) {
    if (entry.isDir) yield* walkArtifacts(store, entry.path);
    else yield entry.path;
  }
}

/**
 * Reads one stored file, hashing it, into `target` (a local file) or nowhere when only its size and hash are wanted.
 * Undefined when the file went away after it was listed (a run deleted meanwhile).
 */
export async function readArtifact(
  store: ArtifactStore,
  path: string,
  target: string | undefined,
): Promise<ArtifactFile | undefined> {
  const stored = await store.get(path);
  if (!stored) return undefined;
  const measure = measuringStream();
  if (target !== undefined) await mkdir(dirname(target), { recursive: true });
  const sink =
    target !== undefined ? createWriteStream(target) : new Writable({ write: (_chunk, _encoding, done) => done() });
  await pipeline(stored.body, measure.stream, sink);
  return { path, ...measure.measured() };
}

/** Puts a snapshot's copy of a file back into a store, refusing bytes that are not the ones recorded. */
export async function restoreArtifact(store: ArtifactStore, snapshotDir: string, file: ArtifactFile): Promise<void> {
  const stored = await store.put(file.path, createReadStream(join(snapshotDir, 'artifacts', file.path)));
  if (stored.sha256 !== file.sha256 || stored.size !== file.size) {
    await store.delete(file.path);
    throw new Error(`the snapshot's copy of artifact '${file.path}' does not match its recorded size and sha256`);
  }
}
