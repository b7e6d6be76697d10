/**
 * What the API accepts must be stored and hashed as the very same text, on SQLite and PostgreSQL alike, or the audit
 * log would later look tampered with. Two kinds of JavaScript string break that promise: a lone UTF-16 surrogate
 * (SQLite keeps it as WTF-8 bytes, PostgreSQL as U+FFFD, the hash saw neither) and U+0000 (PostgreSQL refuses it in
 * text). Deeply nested JSON is refused too: every layer that walks it (canonical JSON, verification, presentation)
 * would need unbounded stack.
 */
export const MAX_JSON_DEPTH = 64;

export interface StorableProblem {
  /** Where the value sits, as a dotted path from the root (`metadata.a.b`, `tags[2].value`). */
  path: string;
  reason: string;
}

// A high surrogate not followed by a low one, or a low surrogate not preceded by a high one; or a NUL.
const UNSTORABLE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\0/;

export function textProblem(text: string): string | undefined {
  const found = UNSTORABLE.exec(text);
  if (!found) return undefined;
  return found[0] === '\0'
    ? 'contains a NUL character (U+0000)'
    : `contains a lone UTF-16 surrogate (U+${found[0].charCodeAt(0).toString(16).toUpperCase()}) that is not valid Unicode`;
}

/**
 * Finds the first string (key or value) that cannot be stored faithfully, or the first container nested deeper than
 * `maxDepth`. Walks with an explicit stack, so a hostile document cannot exhaust the call stack here either.
 */
export function findUnstorable(
  root: unknown,
  rootPath: string,
  maxDepth = MAX_JSON_DEPTH,
): StorableProblem | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: rootPath, depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const reason = textProblem(value);
      if (reason) return { path, reason };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= maxDepth) return { path, reason: `is nested more than ${maxDepth} levels deep` };
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const item: unknown = value[i];
        // Numbers, booleans and null hold no text: a columnar batch's 30,000 of them need no path each.
        if (item === null || (typeof item !== 'string' && typeof item !== 'object')) continue;
        stack.push({ value: item, path: `${path}[${i}]`, depth: depth + 1 });
      }
      continue;
    }
    // Streams and buffers (artifact uploads) are bytes, not text fields.
    if (ArrayBuffer.isView(value) || typeof (value as { pipe?: unknown }).pipe === 'function') continue;
    for (const [key, child] of Object.entries(value)) {
      const keyReason = textProblem(key);
      const childPath = path === '' ? key : `${path}.${key}`;
      if (keyReason) return { path: childPath, reason: `has a field name that ${keyReason}` };
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return undefined;
}
