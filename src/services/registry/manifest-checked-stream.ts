import { createHash } from 'node:crypto';
import { type Readable, Transform } from 'node:stream';
import { invalidState } from '../../domain/errors.js';
import type { ManifestEntry } from '../../domain/registry/manifest.js';

/**
 * Serves a registered file only as the bytes its manifest vouches for. A file whose size differs is refused before
 * a byte goes out; one whose bytes changed in place is cut off at its end with an error, so the client gets a failed
 * transfer rather than a file that silently differs from what the manifest and attestation promise.
 */
export function manifestChecked(
  file: { body: Readable; size: number },
  entry: ManifestEntry,
  label: string,
): { body: Readable; size: number } {
  if (file.size !== entry.size) {
    file.body.destroy();
    throw invalidState(
      `${label} changed since it was registered (${file.size} bytes stored, ${entry.size} in the manifest); ` +
        'it is not served: run `mnemo audit verify --artifacts` and restore it from a backup',
    );
  }
  const hash = createHash('sha256');
  // The last chunk is held back until the digest is known: a mismatch then leaves the transfer short of its
  // content-length, which every HTTP client reports as a failed download.
  let held: Buffer | undefined;
  const checker = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      const previous = held;
      held = chunk;
      done(null, previous);
    },
    flush(done) {
      const actual = hash.digest('hex');
      if (actual !== entry.sha256) {
        return done(invalidState(`${label} does not match its manifest sha256 (${actual}); it is not served`));
      }
      done(null, held);
    },
  });
  file.body.on('error', (error) => checker.destroy(error));
  return { body: file.body.pipe(checker), size: file.size };
}
