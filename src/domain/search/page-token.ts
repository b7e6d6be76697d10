import { invalid } from '../errors.js';

/**
 * Page tokens are opaque to clients: base64url of a small JSON object. Wrapping the offset (rather than sending a
 * bare number) leaves room to move to keyset pagination later without breaking tokens' opacity.
 */
interface PageTokenBody {
  offset: number;
}

export function encodePageToken(offset: number): string {
  // A bad offset here is a bug in the caller, not bad user input.
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`page offset must be a non-negative integer`);
  const body: PageTokenBody = { offset };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  // Node's base64url decoder skips characters it does not know, so check the alphabet first.
  if (!BASE64URL.test(token)) throw badToken(token);
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badToken(token);
  }
  const offset = typeof body === 'object' && body !== null && 'offset' in body ? body.offset : undefined;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw badToken(token);
  return offset;
}

function badToken(token: string) {
  return invalid(`Invalid page token '${token}': it was not issued by this server or has been altered`);
}
