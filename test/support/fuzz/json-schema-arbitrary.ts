import fc from 'fast-check';

/**
 * Values that satisfy a route's JSON schema (the subset the routes declare: type, const, anyOf, properties, required,
 * patternProperties, additionalProperties, items, string length and pattern, numeric bounds), so generated requests
 * reach past schema validation into the handlers. `known` are values the database holds (ids, names): strings are
 * drawn from them now and then, so requests also find existing things to act on.
 */
export type JsonSchema = Record<string, unknown>;

const MAX_STRING = 24;
const MAX_ITEMS = 3;

export function arbitraryFor(schema: unknown, known: readonly string[] = []): fc.Arbitrary<unknown> {
  if (schema === undefined || schema === null || typeof schema !== 'object') return fc.jsonValue({ maxDepth: 2 });
  const s = schema as JsonSchema;
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  if (Array.isArray(s.anyOf)) return fc.oneof(...(s.anyOf as unknown[]).map((option) => arbitraryFor(option, known)));
  if (Array.isArray(s.oneOf)) return fc.oneof(...(s.oneOf as unknown[]).map((option) => arbitraryFor(option, known)));
  if (Array.isArray(s.type)) {
    return fc.oneof(...(s.type as string[]).map((type) => arbitraryFor({ ...s, type }, known)));
  }
  switch (s.type) {
    case 'string':
      return stringFor(s, known);
    case 'integer':
      return withEdges(fc.integer({ min: bound(s, 'min', -1_000), max: bound(s, 'max', 1_000_000) }), s, INTEGER_EDGES);
    case 'number':
      return withEdges(
        fc.double({ min: bound(s, 'min', -1e6), max: bound(s, 'max', 1e6), noNaN: true, noDefaultInfinity: true }),
        s,
        [...INTEGER_EDGES, -0, 5e-324, 0.1, 1e308, -Number.MAX_VALUE],
      );
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(arbitraryFor(s.items, known), {
        minLength: (s.minItems as number | undefined) ?? 0,
        maxLength: Math.max(
          (s.minItems as number | undefined) ?? 0,
          Math.min((s.maxItems as number) ?? MAX_ITEMS, MAX_ITEMS),
        ),
      });
    case 'object':
      return objectFor(s, known);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

// Numbers a schema without bounds lets through, at the edges of what 32- and 64-bit columns and doubles hold.
const INTEGER_EDGES = [
  0,
  -1,
  2 ** 31,
  -(2 ** 31) - 1,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  2 ** 53 + 2,
  2 ** 63,
  -(2 ** 63),
  1e19,
  1e300,
];

function withEdges(generated: fc.Arbitrary<number>, s: JsonSchema, edges: number[]): fc.Arbitrary<number> {
  const min = bound(s, 'min', -Infinity);
  const max = bound(s, 'max', Infinity);
  const allowed = edges.filter((edge) => edge >= min && edge <= max);
  return allowed.length === 0 ? generated : fc.oneof({ arbitrary: generated, weight: 3 }, fc.constantFrom(...allowed));
}

function bound(s: JsonSchema, side: 'min' | 'max', fallback: number): number {
  const inclusive = side === 'min' ? s.minimum : s.maximum;
  const exclusive = side === 'min' ? s.exclusiveMinimum : s.exclusiveMaximum;
  if (typeof inclusive === 'number') return inclusive;
  if (typeof exclusive === 'number') return side === 'min' ? exclusive + 1 : exclusive - 1;
  return fallback;
}

function stringFor(s: JsonSchema, known: readonly string[]): fc.Arbitrary<string> {
  const minLength = (s.minLength as number | undefined) ?? 0;
  const maxLength = Math.max(minLength, Math.min((s.maxLength as number | undefined) ?? MAX_STRING, MAX_STRING));
  // Lengths in code points, as JSON Schema counts them.
  const fits = (text: string) => {
    const length = [...text].length;
    return length >= minLength && length <= ((s.maxLength as number | undefined) ?? Number.POSITIVE_INFINITY);
  };
  let generated: fc.Arbitrary<string>;
  if (typeof s.pattern === 'string') generated = fc.stringMatching(new RegExp(s.pattern)).filter(fits);
  else if (s.format === 'date-time') {
    // Four-digit years: ISO 8601's expanded years (+108295-…) are outside what the format allows.
    const [min, max] = [new Date('1970-01-01T00:00:00Z'), new Date('2100-01-01T00:00:00Z')];
    generated = fc.date({ min, max, noInvalidDate: true }).map((date) => date.toISOString());
  } else if (s.format === 'uuid') generated = fc.uuid();
  else generated = fc.string({ minLength, maxLength, unit: 'grapheme' }).filter(fits);
  const pattern = typeof s.pattern === 'string' ? new RegExp(s.pattern) : undefined;
  const usable =
    s.format === undefined ? known.filter((value) => fits(value) && (!pattern || pattern.test(value))) : [];
  return usable.length === 0 ? generated : fc.oneof({ arbitrary: generated, weight: 2 }, fc.constantFrom(...usable));
}

function objectFor(s: JsonSchema, known: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  const fixed = fc.record(
    Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, arbitraryFor(value, known)])),
    { requiredKeys: Object.keys(properties).filter((key) => required.has(key)) },
  );
  const extraKeys: fc.Arbitrary<string>[] = Object.keys((s.patternProperties ?? {}) as object).map((pattern) =>
    fc.stringMatching(new RegExp(pattern)).filter((key) => key.length <= 40),
  );
  const extraValues = [
    ...Object.values((s.patternProperties ?? {}) as object),
    ...(typeof s.additionalProperties === 'object' ? [s.additionalProperties] : []),
  ];
  if (typeof s.additionalProperties === 'object') extraKeys.push(fc.string({ minLength: 1, maxLength: 12 }));
  if (extraKeys.length === 0) return fixed as fc.Arbitrary<Record<string, unknown>>;
  const maxKeys = Math.min((s.maxProperties as number | undefined) ?? MAX_ITEMS, MAX_ITEMS);
  const extra = fc.dictionary(fc.oneof(...extraKeys), fc.oneof(...extraValues.map((v) => arbitraryFor(v, known))), {
    maxKeys,
  });
  return fc.tuple(fixed, extra).map(([a, b]) => ({ ...b, ...a }));
}
