/**
 * JSON Canonicalization Scheme (RFC 8785): object keys sorted by UTF-16 code units, no insignificant whitespace,
 * numbers in ECMAScript's shortest round-trip form (what JSON.stringify produces). Equal data always yields equal
 * bytes, which is what lets a hash stand for a document.
 *
 * The walk keeps its own stack of open containers instead of recursing: records stored before the API capped nesting
 * depth can be nested thousands of levels deep, and hashing them (when they are written, verified or compared) must
 * not exhaust the call stack. Memory grows with the depth of the value, never the call stack.
 */
export function canonicalJson(value: unknown): string {
  let out = '';
  const open: Frame[] = [];
  let current = value;
  for (;;) {
    // Write `current`: a scalar in full, a container's opening bracket (its members follow through `open`).
    if (typeof current === 'object' && current !== null) {
      if (Array.isArray(current)) {
        out += '[';
        open.push({ items: current, keys: undefined, next: 0 });
      } else {
        const record = current as Record<string, unknown>;
        const keys = Object.keys(record)
          .filter((k) => record[k] !== undefined)
          .sort(compareUtf16);
        out += '{';
        open.push({ items: record, keys, next: 0 });
      }
    } else {
      out += scalar(current);
    }
    // Find the next member to write, closing every container that has none left.
    let found = false;
    while (open.length > 0) {
      const frame = open[open.length - 1]!;
      const index = frame.next;
      if (frame.keys === undefined) {
        const items = frame.items as readonly unknown[];
        if (index < items.length) {
          if (index > 0) out += ',';
          frame.next = index + 1;
          current = items[index];
          found = true;
          break;
        }
        out += ']';
      } else {
        if (index < frame.keys.length) {
          const key = frame.keys[index]!;
          out += `${index > 0 ? ',' : ''}${JSON.stringify(key)}:`;
          frame.next = index + 1;
          current = (frame.items as Record<string, unknown>)[key];
          found = true;
          break;
        }
        out += '}';
      }
      open.pop();
    }
    if (!found) return out;
  }
}

/** A container being written: its members (array elements, or an object with its sorted keys) and the next one. */
interface Frame {
  items: readonly unknown[] | Record<string, unknown>;
  keys: string[] | undefined;
  next: number;
}

function scalar(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot represent ${value}`);
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    default:
      throw new TypeError(`canonical JSON cannot represent a ${typeof value}`);
  }
}

function compareUtf16(a: string, b: string): number {
  // Plain < on JS strings compares UTF-16 code units, which is the order RFC 8785 prescribes.
  return a < b ? -1 : a > b ? 1 : 0;
}
