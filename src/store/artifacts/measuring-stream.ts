import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

/** A pass-through that counts and hashes the bytes going by, for the record every stored file gets. */
export interface MeasuringStream {
  stream: Transform;
  /** Size and sha256 of what passed through; read once the pipeline finished. */
  measured(): { size: number; sha256: string };
}

export function measuringStream(): MeasuringStream {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  return { stream, measured: () => ({ size, sha256: hash.digest('hex') }) };
}
