import { readdir } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { directoryDigest } from '../../domain/lineage/content-digest.js';
import { s3ClientFromEnvironment } from '../../store/artifacts/s3-client.js';
import { S3Objects } from '../../store/artifacts/s3-objects.js';
import { exists, type HashProgress, hashDirectory, hashFile } from './local-data-reader.js';

/**
 * One way of re-reading registered data, whatever holds it: a local filesystem path or an s3:// URI. Locations are
 * strings in the reader's own form (paths or URIs), so reconciliation can treat both alike.
 */
export interface DataReader {
  kind(location: string): Promise<'file' | 'directory' | null>;
  hashFile(location: string, onProgress: (p: HashProgress) => void): Promise<string>;
  hashDirectory(location: string, onProgress: (p: HashProgress) => void): Promise<string>;
  parentOf(location: string): string;
  /** Files directly inside a directory location, in the same form. */
  filesIn(directory: string): Promise<string[]>;
  isInside(location: string, directory: string): boolean;
}

export const localReader: DataReader = {
  kind: exists,
  hashFile,
  hashDirectory,
  parentOf: dirname,
  async filesIn(directory) {
    const entries = await readdir(directory, { withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(directory, e.name));
  },
  isInside: (location, directory) => location.startsWith(`${directory}${sep}`),
};

export function s3Reader(objects: S3Objects = new S3Objects(s3ClientFromEnvironment())): DataReader {
  return {
    kind: (uri) => objects.kind(uri),
    hashFile: (uri, onProgress) => objects.hashObject(uri, onProgress),
    async hashDirectory(uri, onProgress) {
      const base = uri.replace(/\/+$/, '');
      const entries = [];
      for (const path of await objects.listBelow(base)) {
        const digest = await objects.hashObject(`${base}/${path}`, onProgress);
        entries.push({ path, sha256: digest.slice('sha256:'.length) });
      }
      return directoryDigest(entries);
    },
    parentOf: (uri) => uri.replace(/\/+$/, '').replace(/\/[^/]*$/, ''),
    filesIn: (uri) => objects.listDirectlyIn(uri),
    isInside: (uri, directory) => uri.startsWith(`${directory.replace(/\/+$/, '')}/`),
  };
}
