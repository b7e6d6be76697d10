import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { parseS3Uri } from './s3-artifact-store.js';

export interface S3HashProgress {
  path: string;
  bytesDone: number;
  bytesTotal: number;
}

/**
 * Reads data that lives in S3 for reconciliation: what a URI names (an object, a "directory" prefix, or nothing),
 * the sha256 of an object streamed from the bucket, and the objects below a prefix.
 */
export class S3Objects {
  constructor(private readonly client: S3Client) {}

  async kind(uri: string): Promise<'file' | 'directory' | null> {
    const { bucket, prefix } = parseS3Uri(uri);
    // A trailing slash names a prefix: there is no object to look for.
    if (!uri.endsWith('/')) {
      try {
        await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: prefix }));
        return 'file';
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status !== 404 && (error as { name?: string }).name !== 'NotFound') throw error;
      }
    }
    const below = await this.client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix === '' ? '' : `${prefix}/`, Delimiter: '/' }),
    );
    return (below.KeyCount ?? 0) + (below.CommonPrefixes?.length ?? 0) > 0 ? 'directory' : null;
  }

  async hashObject(uri: string, onProgress?: (p: S3HashProgress) => void): Promise<string> {
    const { bucket, prefix } = parseS3Uri(uri);
    const object = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: prefix }));
    const total = object.ContentLength ?? 0;
    const hash = createHash('sha256');
    let done = 0;
    for await (const chunk of object.Body as Readable) {
      hash.update(chunk as Buffer);
      done += (chunk as Buffer).length;
      onProgress?.({ path: uri, bytesDone: done, bytesTotal: total });
    }
    return `sha256:${hash.digest('hex')}`;
  }

  /** Every object below a prefix (recursively), as paths relative to it, sorted. */
  async listBelow(uri: string): Promise<string[]> {
    return (await this.keysBelow(uri, false)).sort();
  }

  /** Objects directly inside a prefix (not in its sub-prefixes), as full s3:// URIs. */
  async listDirectlyIn(uri: string): Promise<string[]> {
    const { bucket } = parseS3Uri(uri);
    const base = uri.replace(/\/+$/, '');
    return (await this.keysBelow(uri, true))
      .map((key) => `${base}/${key}`)
      .filter((u) => u.startsWith(`s3://${bucket}/`));
  }

  private async keysBelow(uri: string, directOnly: boolean): Promise<string[]> {
    const { bucket, prefix } = parseS3Uri(uri);
    const start = prefix === '' ? '' : `${prefix}/`;
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: start,
          ContinuationToken: token,
          ...(directOnly ? { Delimiter: '/' } : {}),
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key && object.Key !== start) keys.push(object.Key.slice(start.length));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }
}
