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
      return fc.integer({ min: bound(s, 'min', -1_000), max: bound(s, 'max', 1_000_000) });
    case 'number':
      return fc.double({
        min: bound(s, 'min', -1e6),
        max: bound(s, 'max', 1e6),
        noNaN: true,
        noDefaultInfinity: true,
      });
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
  const fits = (text: string) => text.length >= minLength && text.length <= ((s.maxLength as number) ?? Infinity);
  let generated: fc.Arbitrary<string>;
  if (typeof s.pattern === 'string') generated = fc.stringMatching(new RegExp(s.pattern)).filter(fits);
  else if (s.format === 'date-time') generated = fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
  else if (s.format === 'uuid') generated = fc.uuid();
  else generated = fc.string({ minLength, maxLength, unit: 'grapheme' });
  const pattern = typeof s.pattern === 'string' ? new RegExp(s.pattern) : undefined;
  const usable = known.filter((value) => fits(value) && (!pattern || pattern.test(value)));
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
