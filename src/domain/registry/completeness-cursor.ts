import { invalid } from '../errors.js';

/**
 * Where a completeness report page ended: the last record's model name and version (0 for the model itself, which
 * comes before its versions). Opaque to clients: base64url JSON.
 */
export interface CompletenessCursor {
  name: string;
  version: number;
}

export function encodeCompletenessCursor(cursor: CompletenessCursor): string {
  return Buffer.from(JSON.stringify({ n: cursor.name, v: cursor.version }), 'utf8').toString('base64url');
}

export function decodeCompletenessCursor(token: string): CompletenessCursor {
  const bad = invalid(`Invalid page token '${token}': it was not issued by this server or has been altered`);
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(token)) throw bad;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad;
  }
  if (typeof body !== 'object' || body === null) throw bad;
  const { n, v } = body as Record<string, unknown>;
  if (typeof n !== 'string' || typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw bad;
  return { name: n, version: v };
}
