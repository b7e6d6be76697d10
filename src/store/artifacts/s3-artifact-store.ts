import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  NoSuchKey,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ArtifactStore, ListedObject, StoredObject } from './artifact-store.js';
import { measuringStream } from './measuring-stream.js';
import { s3ClientFromEnvironment } from './s3-client.js';

export interface S3Location {
  bucket: string;
  prefix: string;
}

export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(uri);
  if (!match) throw new Error(`'${uri}' is not an s3://bucket/prefix URI`);
  return { bucket: match[1]!, prefix: match[2]!.replace(/\/+$/, '') };
}

/**
 * Artifacts in an S3-compatible bucket under a prefix. Uploads stream through a hash so the sha256 recorded is of
 * exactly the bytes stored, and large files go up in parts without being held in memory.
 */
export class S3ArtifactStore implements ArtifactStore {
  constructor(
    private readonly client: S3Client,
    private readonly location: S3Location,
  ) {}

  async checkReachable(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.location.bucket }));
  }

  static fromUri(uri: string): S3ArtifactStore {
    return new S3ArtifactStore(s3ClientFromEnvironment(), parseS3Uri(uri));
  }

  get description(): string {
    return `s3://${this.location.bucket}/${this.location.prefix}`;
  }

  private key(path: string): string {
    return [this.location.prefix, path].filter((p) => p !== '').join('/');
  }

  async put(path: string, body: Readable): Promise<StoredObject> {
    const measured = new PassThrough();
    const measure = measuringStream();
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.location.bucket, Key: this.key(path), Body: measured },
    });
    await Promise.all([pipeline(body, measure.stream, measured), upload.done()]);
    return measure.measured();
  }

  async get(path: string): Promise<{ body: Readable; size: number } | undefined> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key: this.key(path) }),
      );
      return { body: object.Body as Readable, size: object.ContentLength ?? 0 };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async list(directory: string): Promise<ListedObject[]> {
    const base = this.key(directory);
    const prefix = base === '' ? '' : `${base}/`;
    const strip = this.location.prefix === '' ? 0 : this.location.prefix.length + 1;
    const listed: ListedObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.location.bucket,
          Prefix: prefix,
          Delimiter: '/',
          ContinuationToken: token,
        }),
      );
      for (const dir of page.CommonPrefixes ?? []) {
        if (dir.Prefix) listed.push({ path: dir.Prefix.slice(strip, -1), isDir: true, size: null });
      }
      for (const file of page.Contents ?? []) {
        if (file.Key && file.Key !== prefix)
          listed.push({ path: file.Key.slice(strip), isDir: false, size: file.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return listed.sort((a, b) => a.path.localeCompare(b.path));
  }

  async delete(path: string): Promise<void> {
    const key = this.key(path);
    const keys = [key];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: `${key}/`, ContinuationToken: token }),
      );
      for (const file of page.Contents ?? []) if (file.Key) keys.push(file.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    // DeleteObjects takes at most 1,000 keys a request.
    for (let i = 0; i < keys.length; i += 1000) {
      await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.location.bucket,
          Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
        }),
      );
    }
  }
}
