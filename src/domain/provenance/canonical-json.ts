/**
 * JSON Canonicalization Scheme (RFC 8785): object keys sorted by UTF-16 code units, no insignificant whitespace,
 * numbers in ECMAScript's shortest round-trip form (what JSON.stringify produces). Equal data always yields equal
 * bytes, which is what lets a hash stand for a document.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot represent ${value}`);
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort(compareUtf16);
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON cannot represent a ${typeof value}`);
  }
}

function compareUtf16(a: string, b: string): number {
  // Plain < on JS strings compares UTF-16 code units, which is the order RFC 8785 prescribes.
  return a < b ? -1 : a > b ? 1 : 0;
}
