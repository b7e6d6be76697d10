import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { invalid } from '../../domain/errors.js';
import type { ArtifactStore, ListedObject, StoredObject } from './artifact-store.js';

export class FsArtifactStore implements ArtifactStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  get description(): string {
    return this.root;
  }

  private resolveInside(path: string): string {
    const full = resolve(this.root, path);
    if (full !== this.root && !full.startsWith(this.root + sep)) {
      throw new Error(`artifact path escapes the artifact root: ${path}`);
    }
    return full;
  }

  async put(path: string, body: Readable): Promise<StoredObject> {
    const target = this.resolveInside(path);
    try {
      await mkdir(dirname(target), { recursive: true });
    } catch (error) {
      throw pathConflict(path, error);
    }
    // Write beside the target and rename: readers never see a half-written file, and a failed upload leaves none.
    const temporary = `${target}.upload-${randomUUID()}`;
    const hash = createHash('sha256');
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    try {
      await pipeline(body, measure, createWriteStream(temporary));
      const handle = await open(temporary, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw pathConflict(path, error);
    }
    return { size, sha256: hash.digest('hex') };
  }

  async get(path: string): Promise<{ body: Readable; size: number } | undefined> {
    const target = this.resolveInside(path);
    try {
      const info = await stat(target);
      if (!info.isFile()) return undefined;
      return { body: createReadStream(target), size: info.size };
    } catch (error) {
      // A file used as a directory (`a.txt/b`) names nothing, as a missing one does.
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw error;
    }
  }

  async list(directory: string): Promise<ListedObject[]> {
    const target = this.resolveInside(directory);
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(target, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
      throw error;
    }
    const listed: ListedObject[] = [];
    for (const entry of entries) {
      if (entry.name.includes('.upload-')) continue;
      const path = directory === '' ? entry.name : `${directory}/${entry.name}`;
      if (entry.isDirectory()) listed.push({ path, isDir: true, size: null });
      else if (entry.isFile())
        listed.push({ path, isDir: false, size: (await stat(resolve(target, entry.name))).size });
    }
    return listed.sort((a, b) => a.path.localeCompare(b.path));
  }

  async delete(path: string): Promise<void> {
    try {
      await rm(this.resolveInside(path), { recursive: true, force: true });
    } catch (error) {
      // Below a file there is nothing to delete, as with a path that does not exist.
      if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw error;
    }
  }
}

/** A file where a directory is needed, or the reverse, is the client's naming mistake rather than a server fault. */
function pathConflict(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR') {
    return invalid(`artifact path '${path}' conflicts with an existing file or directory of the same name`);
  }
  return error;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}
