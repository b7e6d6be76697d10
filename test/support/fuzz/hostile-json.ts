import fc from 'fast-check';

/**
 * JSON as a hostile client writes it: number literals JavaScript cannot hold (1e999, 2^63, -0), NaN and Infinity
 * spelled every way, lone surrogates, NUL, deep nesting, duplicate keys and truncated text. Values are built as
 * ordinary JSON values with two markers a plain JSON.stringify cannot express, then written out by `jsonText`.
 */

/** Text written into the JSON as is: a number literal no JavaScript number round-trips, or a broken token. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** An object written with its entries in order, keys repeated as given. */
export class DuplicateKeys {
  constructor(readonly entries: [string, unknown][]) {}
}

export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (value instanceof DuplicateKeys) {
    return `{${value.entries.map(([key, child]) => `${JSON.stringify(key)}:${jsonText(child)}`).join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, child]) => `${JSON.stringify(key)}:${jsonText(child)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Not-a-number and the infinities, as text and as the literals JSON has no room for. */
export const NON_FINITE_SPELLINGS = [
  'NaN',
  'nan',
  'NAN',
  '-nan',
  'Infinity',
  '+Infinity',
  '-Infinity',
  'infinity',
  'inf',
  '-inf',
  'Inf',
  '∞',
  '1e999',
  '-1e999',
];

const RAW_NUMBERS = [
  '1e999',
  '-1e999',
  '-0',
  '-0.0',
  '9223372036854775808',
  '-9223372036854775809',
  '18446744073709551616',
  '1e308',
  '4.9e-324',
  '123456789012345678901234567890',
  '0.30000000000000004',
  '1E2',
  '-1',
  '-9007199254740993',
];

// Literals no JSON parser accepts: the request must still be refused cleanly.
const BROKEN_LITERALS = ['NaN', 'Infinity', '-Infinity', 'undefined', '0x10', '01', '.5', '+1', "'x'", 'tru'];

// Written as text: a value thousands of levels deep would overflow the stack of whatever walks it first.
const deep = (depth: number): RawJson => new RawJson(`${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`);

export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NON_FINITE_SPELLINGS),
  fc.constantFrom('\uD800', 'x\uDC00y', '\uDBFF\uDBFF', '\u0000', 'a\u0000b', '\uFFFE', '\u202Eevil', '😀', '𝔘𝔫𝔦'),
  fc.constantFrom('', ' ', '%', "'", '"', '\\', '`', '../../etc/passwd', 'a/b', '-1', '0', '9223372036854775808'),
  fc.integer({ min: 256, max: 70_000 }).map((length) => 'z'.repeat(length)),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  fc.constantFrom(...RAW_NUMBERS).map((text) => new RawJson(text)),
  fc.constantFrom(...BROKEN_LITERALS).map((text) => new RawJson(text)),
  fc.constantFrom(0, -1, -5, 1.5, Number.MAX_SAFE_INTEGER + 2, -1e300, true, false, null),
  fc.constantFrom([], {}, [null], { '': '' }, { __proto__: 1 } as unknown, { constructor: { prototype: 1 } }),
  fc.constantFrom(32, 33, 100, 3_000).map(deep),
);

/** Where in a value a mutation lands: a path of keys and indexes, chosen with the value's own shape. */
function paths(
  value: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [i, child] of value.entries()) paths(child, [...prefix, i], out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) paths(child, [...prefix, key], out);
  }
  return out;
}

function replaceAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((child, i) => (i === head ? replaceAt(child, rest, replacement) : child));
  const object = value as Record<string, unknown>;
  return { ...object, [head as string]: replaceAt(object[head as string], rest, replacement) };
}

export type Mutation =
  | { kind: 'replace'; pick: number; value: unknown }
  | { kind: 'drop'; pick: number }
  | { kind: 'unknown-field'; key: string; value: unknown }
  | { kind: 'duplicate-key'; pick: number; value: unknown }
  | { kind: 'truncate'; at: number }
  | { kind: 'wrap'; wrapper: 'array' | 'string' | 'nested' };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('replace'), pick: fc.nat(), value: hostileValue }), weight: 5 },
  fc.record({ kind: fc.constant('drop'), pick: fc.nat() }),
  fc.record({ kind: fc.constant('unknown-field'), key: fc.oneof(hostileText, fc.string()), value: hostileValue }),
  { arbitrary: fc.record({ kind: fc.constant('duplicate-key'), pick: fc.nat(), value: hostileValue }), weight: 2 },
  fc.record({ kind: fc.constant('truncate'), at: fc.nat() }),
  fc.record({ kind: fc.constantFrom('wrap'), wrapper: fc.constantFrom('array', 'string', 'nested') }),
) as fc.Arbitrary<Mutation>;

/** The JSON text of `body` with one mutation applied. */
export function mutatedJsonText(body: unknown, change: Mutation): string {
  const targets = paths(body);
  const pick = (n: number) => targets[n % targets.length]!;
  switch (change.kind) {
    case 'replace':
      return jsonText(replaceAt(body, pick(change.pick), change.value));
    case 'drop': {
      const path = pick(change.pick);
      if (path.length === 0) return '';
      const parentPath = path.slice(0, -1);
      let parent: unknown = body;
      for (const step of parentPath) parent = (parent as Record<string, unknown>)[step as string];
      const last = path[path.length - 1]!;
      const without = Array.isArray(parent)
        ? parent.filter((_, i) => i !== last)
        : Object.fromEntries(Object.entries(parent as object).filter(([key]) => key !== last));
      return jsonText(replaceAt(body, parentPath, without));
    }
    case 'unknown-field':
      return body !== null && typeof body === 'object' && !Array.isArray(body)
        ? jsonText({ ...body, [change.key]: change.value })
        : jsonText({ [change.key]: change.value });
    case 'duplicate-key': {
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return jsonText(body);
      const entries = Object.entries(body);
      if (entries.length === 0)
        return jsonText(
          new DuplicateKeys([
            ['name', change.value],
            ['name', 'x'],
          ]),
        );
      const [key] = entries[change.pick % entries.length]!;
      // The hostile value first, the valid one last: a parser that keeps the last one sees a valid body.
      return jsonText(new DuplicateKeys([[key, change.value], ...entries]));
    }
    case 'truncate': {
      const text = jsonText(body);
      return text.slice(0, change.at % Math.max(1, text.length));
    }
    case 'wrap':
      return change.wrapper === 'array'
        ? jsonText([body])
        : change.wrapper === 'string'
          ? JSON.stringify(jsonText(body))
          : jsonText({ body });
  }
}
