import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** Writes a JSON Lines file, hashing what it writes and waiting when the disk falls behind. */
export class HashedLineWriter {
  private readonly out;
  private readonly hash = createHash('sha256');
  lines = 0;

  constructor(path: string) {
    this.out = createWriteStream(path, { flags: 'wx' });
  }

  async write(values: unknown[]): Promise<void> {
    let text = '';
    for (const value of values) text += `${JSON.stringify(value)}\n`;
    this.hash.update(text);
    this.lines += values.length;
    if (!this.out.write(text)) await once(this.out, 'drain');
  }

  /** Closes the file (flushed to the OS) and returns its sha256. */
  async finish(): Promise<string> {
    this.out.end();
    await once(this.out, 'finish');
    return this.hash.digest('hex');
  }
}

/** Reads a JSON Lines file in batches; the file's sha256 is known once the last batch has been handed over. */
export async function readLines<T>(
  path: string,
  batchSize: number,
  onBatch: (values: T[]) => Promise<void>,
): Promise<{ sha256: string; lines: number }> {
  const hash = createHash('sha256');
  const input = createReadStream(path);
  input.on('data', (chunk) => hash.update(chunk));
  let batch: T[] = [];
  let lines = 0;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line === '') continue;
    batch.push(JSON.parse(line) as T);
    lines += 1;
    if (batch.length === batchSize) {
      await onBatch(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await onBatch(batch);
  return { sha256: hash.digest('hex'), lines };
}
