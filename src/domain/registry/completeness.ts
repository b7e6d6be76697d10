import type { JsonSchema } from './schema/json-schema.js';
import { RECOMMENDED_KEYWORD } from './schema/json-schema.js';

/** A field a schema asks for: required ones must be there, recommended ones should be. */
export interface ExpectedField {
  path: string;
  level: 'required' | 'recommended';
}

export interface Completeness {
  /** Share of expected fields present, from 0 to 1 (1 when the schema expects nothing). */
  score: number;
  present: number;
  expected: number;
  missing: ExpectedField[];
}

/**
 * Every field a schema expects, with dotted paths into nested objects. Fields are recommended through the
 * `x-recommended` keyword, a list of property names beside `required` at any object level.
 */
export function expectedFields(schema: JsonSchema, prefix = ''): ExpectedField[] {
  if (typeof schema !== 'object') return [];
  const fields: ExpectedField[] = [];
  const seen = new Set<string>();
  const add = (name: string, level: ExpectedField['level']) => {
    if (seen.has(name)) return;
    seen.add(name);
    fields.push({ path: `${prefix}${name}`, level });
  };
  for (const name of stringList(schema.required)) add(name, 'required');
  for (const name of stringList(schema[RECOMMENDED_KEYWORD])) add(name, 'recommended');
  const properties = schema.properties;
  if (typeof properties === 'object' && properties !== null) {
    for (const [name, child] of Object.entries(properties as Record<string, JsonSchema>)) {
      fields.push(...expectedFields(child, `${prefix}${name}.`));
    }
  }
  return fields;
}

/** Scores a metadata document against what its schema expects; empty strings, lists and objects count as missing. */
export function completeness(schema: JsonSchema, document: Record<string, unknown>): Completeness {
  const expected = expectedFields(schema);
  const missing = expected.filter((field) => !isPresent(lookup(document, field.path)));
  const present = expected.length - missing.length;
  return {
    score: expected.length === 0 ? 1 : Math.round((present / expected.length) * 1000) / 1000,
    present,
    expected: expected.length,
    missing,
  };
}

function lookup(document: Record<string, unknown>, path: string): unknown {
  let current: unknown = document;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function isPresent(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
