import { invalid } from '../errors.js';

/**
 * Normalises a client-supplied artifact path to forward-slash segments with no way out of its root: absolute paths,
 * `..`, `.`, empty segments, backslashes and control characters are refused rather than cleaned up, because a
 * silently rewritten path is how traversal bugs hide. Callers decode percent-encoding before calling this.
 */
export const MAX_SEGMENT_BYTES = 255;
export const MAX_PATH_BYTES = 1024;

export function normalizeArtifactPath(raw: string, field = 'artifact path'): string {
  if (raw === '' || raw === '/') return '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused here.
  if (/[\u0000-\u001f\\]/u.test(raw)) throw invalid(`${field} '${raw}' contains a backslash or control character`);
  if (raw.startsWith('/')) throw invalid(`${field} '${raw}' must be relative`);
  const trimmed = raw.endsWith('/') ? raw.slice(0, -1) : raw;
  const segments = trimmed.split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw invalid(`${field} '${raw}' must not contain empty, '.' or '..' segments`);
    }
    if (/^[a-z]:$/i.test(segment)) throw invalid(`${field} '${raw}' must not name a drive`);
    // Filesystems and object stores cap a name at 255 bytes; beyond it a store fails (ENAMETOOLONG) mid-request.
    if (utf8Length(segment) > MAX_SEGMENT_BYTES) {
      throw invalid(`${field} has a segment longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
  }
  if (utf8Length(trimmed) > MAX_PATH_BYTES) throw invalid(`${field} is longer than ${MAX_PATH_BYTES} bytes`);
  return segments.join('/');
}

export function joinArtifactPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('/');
}

const encoder = new TextEncoder();
const utf8Length = (text: string) => encoder.encode(text).length;
