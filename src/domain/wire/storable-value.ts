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

/** A container waiting to be walked; its path is spelled out only if something in it is refused. */
interface Pending {
  value: object;
  parent: Pending | undefined;
  /** The field name or array index under which the parent holds it. */
  step: string | number;
  depth: number;
}

function pathOf(pending: Pending | undefined, rootPath: string, last?: string | number): string {
  const steps: (string | number)[] = last === undefined ? [] : [last];
  for (let p = pending; p?.parent; p = p.parent) steps.push(p.step);
  let path = rootPath;
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i]!;
    path = typeof step === 'number' ? `${path}[${step}]` : path === '' ? step : `${path}.${step}`;
  }
  return path;
}

/**
 * Finds the first string (key or value) that cannot be stored faithfully, or the first container nested deeper than
 * `maxDepth`. Walks with an explicit stack, so a hostile document cannot exhaust the call stack here either. Strings
 * are checked where they are met and only containers are queued, without their paths: a batch of 1,000 metric
 * points is 5,000 strings to check, and building a path for each cost more than checking it.
 */
export function findUnstorable(
  root: unknown,
  rootPath: string,
  maxDepth = MAX_JSON_DEPTH,
): StorableProblem | undefined {
  if (typeof root === 'string') {
    const reason = textProblem(root);
    return reason ? { path: rootPath, reason } : undefined;
  }
  if (typeof root !== 'object' || root === null) return undefined;
  const stack: Pending[] = [{ value: root, parent: undefined, step: '', depth: 0 }];
  while (stack.length > 0) {
    const pending = stack.pop()!;
    const { value, depth } = pending;
    if (depth >= maxDepth) {
      return { path: pathOf(pending, rootPath), reason: `is nested more than ${maxDepth} levels deep` };
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'string') {
          const reason = textProblem(item);
          if (reason) return { path: pathOf(pending, rootPath, i), reason };
        }
      }
      // Queued last first, so containers are walked in document order.
      for (let i = value.length - 1; i >= 0; i--) {
        const item: unknown = value[i];
        if (typeof item === 'object' && item !== null)
          stack.push({ value: item, parent: pending, step: i, depth: depth + 1 });
      }
      continue;
    }
    // Streams and buffers (artifact uploads) are bytes, not text fields.
    if (ArrayBuffer.isView(value) || typeof (value as { pipe?: unknown }).pipe === 'function') continue;
    // for…in rather than Object.keys: V8 reads `record[key]` inside it from the object's layout directly, where a
    // read by a computed name otherwise takes the slow generic path, and most of the walk's time went there.
    const record = value as Record<string, unknown>;
    let containers: string[] | undefined;
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      const keyReason = textProblem(key);
      if (keyReason) return { path: pathOf(pending, rootPath, key), reason: `has a field name that ${keyReason}` };
      const child: unknown = record[key];
      if (typeof child === 'string') {
        const reason = textProblem(child);
        if (reason) return { path: pathOf(pending, rootPath, key), reason };
      } else if (typeof child === 'object' && child !== null) {
        containers ??= [];
        containers.push(key);
      }
    }
    if (containers) {
      for (let i = containers.length - 1; i >= 0; i--) {
        const key = containers[i]!;
        stack.push({ value: record[key] as object, parent: pending, step: key, depth: depth + 1 });
      }
    }
  }
  return undefined;
}
