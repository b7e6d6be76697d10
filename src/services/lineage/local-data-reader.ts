import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { directoryDigest } from '../../domain/lineage/content-digest.js';

export interface HashProgress {
  path: string;
  bytesDone: number;
  bytesTotal: number;
}

export type DataLocation =
  | { kind: 'local'; path: string }
  | { kind: 's3'; uri: string }
  | { kind: 'unsupported'; reason: string };

/**
 * Where a dataset URI can be re-read: file:// URIs and plain paths on this machine, s3:// (and Spark's s3a://) in
 * a bucket; other schemes (databases, warehouses) are not files at all.
 */
export function dataLocation(uri: string): DataLocation {
  if (uri.startsWith('file://')) return { kind: 'local', path: fileURLToPath(uri) };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === 's3' || scheme === 's3a') {
    const uriInS3 = `s3://${uri.slice(scheme.length + 3)}`;
    if (!/^s3:\/\/[^/]+/.test(uriInS3)) return { kind: 'unsupported', reason: `'${uri}' names no bucket` };
    return { kind: 's3', uri: uriInS3 };
  }
  if (scheme) return { kind: 'unsupported', reason: `${scheme}:// locations are not files` };
  return { kind: 'local', path: isAbsolute(uri) ? uri : resolve(uri) };
}

export async function exists(path: string): Promise<'file' | 'directory' | null> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? 'directory' : info.isFile() ? 'file' : null;
  } catch {
    return null;
  }
}

/** sha256 of a file, read as a stream so any size fits in memory, reporting progress as it goes. */
export async function hashFile(path: string, onProgress?: (p: HashProgress) => void): Promise<string> {
  const { size } = await stat(path);
  const hash = createHash('sha256');
  let done = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    onProgress?.({ path, bytesDone: done, bytesTotal: size });
  }
  return `sha256:${hash.digest('hex')}`;
}

/** Every regular file under a directory, as paths relative to it with forward slashes, sorted. */
export async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/** A directory's digest as domain/lineage/content-digest.ts defines it, hashing each file as a stream. */
export async function hashDirectory(root: string, onProgress?: (p: HashProgress) => void): Promise<string> {
  const files = await listFiles(root);
  const entries = [];
  for (const file of files) {
    const digest = await hashFile(join(root, file), onProgress);
    entries.push({ path: file, sha256: digest.slice('sha256:'.length) });
  }
  return directoryDigest(entries);
}
