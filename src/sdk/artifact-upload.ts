import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { HttpClient, RawBody } from './http-client.js';
import type { ArtifactFile } from './types.js';
import { apiPath, encodeArtifactPath } from './url-path.js';

/** A file on disk, or bytes made in memory with the name they should have among the run's artifacts. */
export type ArtifactSource = string | { path: string; data: Uint8Array | string };

const OCTET_STREAM = 'application/octet-stream';

/**
 * Uploads one file into `directory` of the run's artifacts. Files are streamed, never loaded whole; the sha256 the
 * server records is checked against the bytes read here, so a file changed or damaged on the way is reported.
 */
export async function uploadArtifact(
  http: HttpClient,
  runId: string,
  source: ArtifactSource,
  directory = '',
): Promise<ArtifactFile> {
  if (typeof source === 'string') {
    const info = await stat(source);
    if (info.isDirectory()) {
      throw new TypeError(`'${source}' is a directory; use logArtifacts() to upload a directory`);
    }
    const expected = await fileSha256(source);
    const body: RawBody = {
      contentType: OCTET_STREAM,
      open: () => Readable.toWeb(createReadStream(source)) as ReadableStream<Uint8Array>,
    };
    return put(http, runId, joinPath(directory, basename(source)), body, expected);
  }
  const bytes = typeof source.data === 'string' ? new TextEncoder().encode(source.data) : source.data;
  const expected = createHash('sha256').update(bytes).digest('hex');
  return put(http, runId, joinPath(directory, source.path), { contentType: OCTET_STREAM, open: () => bytes }, expected);
}

/** Uploads every file under a local directory, keeping its layout below `directory`. */
export async function uploadArtifactDirectory(
  http: HttpClient,
  runId: string,
  localDirectory: string,
  directory = '',
): Promise<ArtifactFile[]> {
  const uploaded: ArtifactFile[] = [];
  for (const file of await filesUnder(localDirectory)) {
    const inside = relative(localDirectory, file).split(sep).slice(0, -1).join('/');
    uploaded.push(await uploadArtifact(http, runId, file, joinPath(directory, inside)));
  }
  return uploaded;
}

async function put(
  http: HttpClient,
  runId: string,
  artifactPath: string,
  body: RawBody,
  expectedSha256: string,
): Promise<ArtifactFile> {
  const path = `${apiPath`/runs/${runId}/artifacts`}/${encodeArtifactPath(artifactPath)}`;
  const { artifact } = await http.request<{ artifact: ArtifactFile }>('PUT', path, { raw: body });
  if (artifact.sha256 !== null && artifact.sha256 !== expectedSha256) {
    throw new Error(
      `Artifact '${artifactPath}' arrived damaged or the file changed while uploading: the server recorded sha256 ` +
        `${artifact.sha256} but the local bytes hash to ${expectedSha256}. Upload it again.`,
    );
  }
  return artifact;
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(full)));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

const joinPath = (directory: string, name: string): string => [directory, name].filter((part) => part !== '').join('/');
