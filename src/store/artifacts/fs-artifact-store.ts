import { randomUUID } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { access, mkdir, open, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { invalid } from '../../domain/errors.js';
import type { ArtifactStore, ListedObject, StoredObject } from './artifact-store.js';
import { measuringStream } from './measuring-stream.js';

export class FsArtifactStore implements ArtifactStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  get description(): string {
    return this.root;
  }

  async checkReachable(): Promise<void> {
    // The first upload would create the root as well; a root that cannot be made or written to is not ready.
    await mkdir(this.root, { recursive: true });
    await access(this.root, constants.W_OK);
  }

  private resolveInside(path: string): string {
    const full = resolve(this.root, path);
    if (full !== this.root && !full.startsWith(this.root + sep)) {
      throw new Error(`artifact path escapes the artifact root: ${path}`);
    }
    return full;
  }

  /**
   * The path inside the root, refused when any part of it below the root is a symbolic link: a link planted in a
   * shared or extracted folder would otherwise let reads, writes and deletes reach files outside the root. The root
   * itself may be a link (a mounted volume, say). Checked on the deepest part that exists, so writes that create
   * folders are covered too.
   */
  private async confined(path: string): Promise<string> {
    const full = this.resolveInside(path);
    const rootReal = await realpath(this.root).catch(() => this.root);
    let probe = full;
    for (;;) {
      try {
        const real = await realpath(probe);
        if (real !== resolve(rootReal, relative(this.root, probe))) throw symlinkRefused(path);
        return full;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
        if (probe === this.root) return full;
        probe = dirname(probe);
      }
    }
  }

  async put(path: string, body: Readable): Promise<StoredObject> {
    const target = await this.confined(path);
    try {
      await mkdir(dirname(target), { recursive: true });
    } catch (error) {
      throw pathConflict(path, error);
    }
    // Write beside the target and rename: readers never see a half-written file, and a failed upload leaves none.
    const temporary = join(dirname(target), `.upload-${randomUUID()}`);
    const measure = measuringStream();
    const out = createWriteStream(temporary);
    try {
      await pipeline(body, measure.stream, out);
      const handle = await open(temporary, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, target);
    } catch (error) {
      // An upload refused early (over the size limit) can fail while the stream is still opening the file: wait for
      // it to close, or the file it creates after the removal would be left behind.
      if (!out.closed) {
        await new Promise<void>((resolve) => {
          out.once('close', () => resolve());
          out.destroy();
        });
      }
      await rm(temporary, { force: true });
      throw pathConflict(path, error);
    }
    return measure.measured();
  }

  async get(path: string): Promise<{ body: Readable; size: number } | undefined> {
    const target = await this.confined(path);
    try {
      // O_NOFOLLOW: a link swapped in after the check above is refused by the kernel rather than followed.
      const handle = await open(target, constants.O_RDONLY | constants.O_NOFOLLOW);
      const info = await handle.stat();
      if (!info.isFile()) {
        await handle.close();
        return undefined;
      }
      return { body: handle.createReadStream(), size: info.size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw symlinkRefused(path);
      if ((error as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
      // A file used as a directory (`a.txt/b`) names nothing, as a missing one does.
      if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw error;
    }
  }

  async list(directory: string): Promise<ListedObject[]> {
    const target = await this.confined(directory);
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
      // rm removes links found inside a folder rather than following them; the path itself is checked first.
      await rm(await this.confined(path), { recursive: true, force: true });
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

function symlinkRefused(path: string): Error {
  return invalid(`artifact path '${path}' passes through a symbolic link, which the artifact store does not follow`);
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}
