import { canonicalJson } from '../../provenance/canonical-json.js';
import { type CompatibilityMode, ruleOf } from './compatibility-mode.js';
import type { JsonSchema } from './json-schema.js';

/**
 * Decides whether a new version of a metadata schema may follow the earlier ones under a Confluent-style mode.
 *
 * BACKWARD means the new schema accepts every document the old one accepted (so records written earlier stay
 * valid); FORWARD means the old schema accepts every document the new one accepts (so tools built on the old
 * schema can read new records); FULL is both. The check is structural over the JSON Schema keywords that shape
 * data: type, enum/const, required, properties, additionalProperties, items and the numeric, string and array
 * bounds. A change to any other validation keyword (anyOf, $ref, patternProperties, …) cannot be proven safe and
 * is reported as such rather than let through. Annotations (title, description, examples, x-recommended) never
 * matter.
 *
 * Reasons are phrased as the change from the old schema to the new one, e.g. "field `owner` became required".
 */
export interface CompatibilityProblem {
  /** The earlier version the candidate was checked against. */
  version: number;
  direction: 'backward' | 'forward';
  reason: string;
}

export function checkCompatibility(
  mode: CompatibilityMode,
  history: readonly { version: number; schema: JsonSchema }[],
  candidate: JsonSchema,
): CompatibilityProblem[] {
  if (mode === 'NONE' || history.length === 0) return [];
  const rule = ruleOf(mode);
  const against = rule.transitive ? history : history.slice(-1);
  const problems: CompatibilityProblem[] = [];
  for (const earlier of against) {
    if (rule.backward) {
      for (const reason of narrowings(candidate, earlier.schema, 'backward')) {
        problems.push({ version: earlier.version, direction: 'backward', reason });
      }
    }
    if (rule.forward) {
      for (const reason of narrowings(earlier.schema, candidate, 'forward')) {
        problems.push({ version: earlier.version, direction: 'forward', reason });
      }
    }
  }
  return problems;
}

/** One message for a refused registration, naming the mode and every reason. */
export function describeProblems(mode: CompatibilityMode, problems: readonly CompatibilityProblem[]): string {
  const lines = problems.map(
    (p) =>
      `${p.reason} (breaks ${p.direction} compatibility with version ${p.version}: ` +
      `${p.direction === 'backward' ? 'records written with it would be rejected' : 'its readers would reject new records'})`,
  );
  return `Schema is not ${mode} compatible: ${lines.join('; ')}`;
}

type SchemaObject = { [keyword: string]: unknown };

/** Which side is the newer schema decides how a difference is worded. */
type Direction = 'backward' | 'forward';

// Keywords that never change which documents are valid.
const ANNOTATIONS = new Set([
  'title',
  'description',
  'default',
  'examples',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$comment',
  '$schema',
  'x-recommended',
]);

// Keywords the structural check understands.
const UNDERSTOOD = new Set([
  'type',
  'enum',
  'const',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
]);

const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'] as const;
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'] as const;
const EXACT = ['pattern', 'format'] as const;

/**
 * Every way `reader` is stricter than `writer`: documents `writer` accepts that `reader` would reject. For a
 * backward check the reader is the new schema; for a forward check it is the old one.
 */
function narrowings(reader: JsonSchema, writer: JsonSchema, direction: Direction): string[] {
  const reasons: string[] = [];
  compare(reader, writer, [], { direction, reasons });
  return reasons;
}

interface Context {
  direction: Direction;
  reasons: string[];
}

function compare(readerSchema: JsonSchema, writerSchema: JsonSchema, path: string[], ctx: Context): void {
  if (writerSchema === false || readerSchema === true) return;
  const where = describePath(path);
  const reader = asObject(readerSchema);
  const writer = asObject(writerSchema);
  const [older, newer] = ctx.direction === 'backward' ? [writer, reader] : [reader, writer];
  if (readerSchema === false) {
    ctx.reasons.push(
      ctx.direction === 'backward' ? `${where} is no longer allowed` : `${where} was allowed by a newer schema`,
    );
    return;
  }

  for (const keyword of new Set([...Object.keys(reader), ...Object.keys(writer)])) {
    if (ANNOTATIONS.has(keyword) || UNDERSTOOD.has(keyword)) continue;
    if (canonicalJson(reader[keyword]) !== canonicalJson(writer[keyword])) {
      ctx.reasons.push(`${where} changed keyword \`${keyword}\`, whose compatibility cannot be verified`);
    }
  }

  compareTypes(reader, writer, older, newer, where, ctx);
  compareEnums(reader, writer, where, ctx);
  compareBounds(reader, writer, older, newer, where, ctx);
  compareObjects(reader, writer, path, ctx);
  if (reader.items !== undefined && reader.items !== true) {
    compare(reader.items as JsonSchema, (writer.items ?? true) as JsonSchema, [...path, '[]'], ctx);
  }
}

function compareTypes(
  reader: SchemaObject,
  writer: SchemaObject,
  older: SchemaObject,
  newer: SchemaObject,
  where: string,
  ctx: Context,
): void {
  const readerTypes = typesOf(reader);
  if (readerTypes === undefined) return;
  // A writer restricted to listed values only produces those values' types.
  const writerValues = valuesOf(writer);
  const writerTypes = writerValues ? writerValues.map(jsonTypeOf) : (typesOf(writer) ?? ['any']);
  const refused = writerTypes.filter((type) => !accepts(readerTypes, type));
  if (refused.length > 0) {
    ctx.reasons.push(`${where} changed type from ${formatTypes(older)} to ${formatTypes(newer)}`);
  }
}

function compareEnums(reader: SchemaObject, writer: SchemaObject, where: string, ctx: Context): void {
  const readerValues = valuesOf(reader);
  if (readerValues === undefined) return;
  const writerValues = valuesOf(writer);
  if (writerValues === undefined) {
    ctx.reasons.push(
      ctx.direction === 'backward'
        ? `${where} became restricted to the values ${formatValues(readerValues)}`
        : `${where} is no longer restricted to the values ${formatValues(readerValues)}`,
    );
    return;
  }
  const allowed = new Set(readerValues.map((v) => canonicalJson(v)));
  for (const value of writerValues) {
    if (allowed.has(canonicalJson(value))) continue;
    const shown = typeof value === 'string' ? value : canonicalJson(value);
    ctx.reasons.push(
      ctx.direction === 'backward'
        ? `enum value \`${shown}\` was removed from ${where}`
        : `enum value \`${shown}\` was added to ${where}`,
    );
  }
}

function compareBounds(
  reader: SchemaObject,
  writer: SchemaObject,
  older: SchemaObject,
  newer: SchemaObject,
  where: string,
  ctx: Context,
): void {
  const changed = (keyword: string) =>
    ctx.reasons.push(
      `${where} changed \`${keyword}\` from ${formatBound(older[keyword])} to ${formatBound(newer[keyword])}`,
    );
  for (const keyword of LOWER_BOUNDS) {
    const r = reader[keyword];
    if (typeof r !== 'number') continue;
    const w = writer[keyword];
    if (typeof w !== 'number' || w < r) changed(keyword);
  }
  for (const keyword of UPPER_BOUNDS) {
    const r = reader[keyword];
    if (typeof r !== 'number') continue;
    const w = writer[keyword];
    if (typeof w !== 'number' || w > r) changed(keyword);
  }
  for (const keyword of EXACT) {
    if (reader[keyword] !== undefined && reader[keyword] !== writer[keyword]) changed(keyword);
  }
  const rMultiple = reader.multipleOf;
  if (typeof rMultiple === 'number') {
    const wMultiple = writer.multipleOf;
    if (typeof wMultiple !== 'number' || !Number.isInteger(wMultiple / rMultiple)) changed('multipleOf');
  }
  if (reader.uniqueItems === true && writer.uniqueItems !== true) changed('uniqueItems');
}

function compareObjects(reader: SchemaObject, writer: SchemaObject, path: string[], ctx: Context): void {
  const readerRequired = stringList(reader.required);
  const writerRequired = new Set(stringList(writer.required));
  for (const field of readerRequired) {
    if (writerRequired.has(field)) continue;
    const where = describePath([...path, field]);
    ctx.reasons.push(ctx.direction === 'backward' ? `${where} became required` : `${where} is no longer required`);
  }

  const readerProps = propertiesOf(reader);
  const writerProps = propertiesOf(writer);
  const readerRest = additionalOf(reader);
  const writerRest = additionalOf(writer);
  for (const field of new Set([...Object.keys(readerProps), ...Object.keys(writerProps)])) {
    const where = describePath([...path, field]);
    const readerField = readerProps[field];
    const writerField = writerProps[field];
    if (writerField === undefined && writerRest === false) continue;
    if (readerField === undefined) {
      if (readerRest === false) {
        ctx.reasons.push(
          ctx.direction === 'backward'
            ? `${where} was removed while additionalProperties is false, so records that have it would be rejected`
            : `${where} was added but the older schema does not allow additional properties`,
        );
        continue;
      }
      compare(readerRest, writerField ?? writerRest, [...path, field], ctx);
      continue;
    }
    if (writerField === undefined && writerRest === true && !isUnconstrained(readerField)) {
      ctx.reasons.push(
        ctx.direction === 'backward'
          ? `${where} was added with constraints, but the older schema allowed any value there ` +
              '(its additionalProperties is not false)'
          : `${where} was removed while additional properties are allowed, so new records may hold any value there`,
      );
      continue;
    }
    compare(readerField, writerField ?? writerRest, [...path, field], ctx);
  }

  // Undeclared fields on both sides.
  if (readerRest === false && writerRest !== false) {
    ctx.reasons.push(
      `${describePath(path)} changed additionalProperties from ${formatRest(ctx.direction === 'backward' ? writerRest : readerRest)} ` +
        `to ${formatRest(ctx.direction === 'backward' ? readerRest : writerRest)}`,
    );
  } else if (readerRest !== true && readerRest !== false) {
    compare(readerRest, writerRest, [...path, '*'], ctx);
  }
}

function asObject(schema: JsonSchema): SchemaObject {
  return typeof schema === 'object' ? schema : {};
}

function typesOf(schema: SchemaObject): string[] | undefined {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter((t): t is string => typeof t === 'string');
  return undefined;
}

function valuesOf(schema: SchemaObject): unknown[] | undefined {
  if ('const' in schema) return [schema.const];
  return Array.isArray(schema.enum) ? schema.enum : undefined;
}

function accepts(types: readonly string[], type: string): boolean {
  return types.includes(type) || (type === 'integer' && types.includes('number'));
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function propertiesOf(schema: SchemaObject): Record<string, JsonSchema> {
  const properties = schema.properties;
  return typeof properties === 'object' && properties !== null ? (properties as Record<string, JsonSchema>) : {};
}

/** What a schema says about undeclared fields: `true` (anything), `false` (none) or a schema. */
function additionalOf(schema: SchemaObject): JsonSchema {
  const rest = schema.additionalProperties;
  if (rest === undefined) return true;
  return rest as JsonSchema;
}

function isUnconstrained(schema: JsonSchema): boolean {
  if (schema === true) return true;
  if (schema === false) return false;
  return Object.keys(schema).every((keyword) => ANNOTATIONS.has(keyword));
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function describePath(path: readonly string[]): string {
  if (path.length === 0) return 'the document';
  return `field \`${path.join('.').replaceAll('.[]', '[]')}\``;
}

function formatTypes(schema: SchemaObject): string {
  const values = valuesOf(schema);
  const types = values ? [...new Set(values.map(jsonTypeOf))] : typesOf(schema);
  if (types === undefined) return 'any';
  return types.length === 1 ? types[0]! : types.join(' | ');
}

function formatValues(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? `\`${v}\`` : canonicalJson(v))).join(', ');
}

function formatBound(value: unknown): string {
  return value === undefined ? 'none' : canonicalJson(value);
}

function formatRest(rest: JsonSchema): string {
  return typeof rest === 'boolean' ? String(rest) : 'a schema';
}
