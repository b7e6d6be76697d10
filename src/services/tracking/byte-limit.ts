import { type Readable, Transform } from 'node:stream';
import { tooLarge } from '../../domain/errors.js';

/**
 * Passes at most `maxBytes` through and fails the stream on the next byte: the artifact store then discards the
 * partial file (or aborts the multipart upload) and nothing is recorded.
 */
export function limitBytes(body: Readable, maxBytes: number, describe: () => string): Readable {
  let seen = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > maxBytes) return done(tooLarge(describe()));
      done(null, chunk);
    },
  });
  body.on('error', (error) => limiter.destroy(error));
  // The store reads the stream only after its own preparations: an overflow found before then must wait for it (it
  // sees the stream already errored) rather than escape as an uncaught error.
  limiter.on('error', () => {});
  return body.pipe(limiter);
}
