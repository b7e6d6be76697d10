import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { LRUCache } from 'lru-cache';
import { invalid } from '../../errors.js';
import { canonicalJson } from '../../provenance/canonical-json.js';
import { compileLinearPattern } from '../../text/linear-pattern.js';
import { SENSITIVE_KEYWORD } from './sensitive-annotation.js';

/** A JSON Schema (draft 2020-12) as stored: an object, or `true`/`false`. */
export type JsonSchema = boolean | { [keyword: string]: unknown };

/** One way a document breaks its schema: where (a JSON Pointer into the document) and what. */
export interface Violation {
  path: string;
  message: string;
}

/** Lists fields a record should have but may omit, counted by completeness; ignored by validation. */
export const RECOMMENDED_KEYWORD = 'x-recommended';

// Ajv's engine hook; `code` names it only in standalone code generation, which Mnemo does not use.
const linearRegExp = Object.assign((pattern: string) => compileLinearPattern(pattern), {
  code: 'compileLinearPattern',
});

function newAjv(): Ajv2020 {
  // Strict: a misspelt keyword in a schema is an error at registration, not a rule that silently never applies.
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    validateFormats: true,
    // `pattern` and `patternProperties` come from users and run on every record: linear time, whatever they say.
    code: { regExp: linearRegExp },
  });
  addFormats.default(ajv);
  ajv.addKeyword({ keyword: RECOMMENDED_KEYWORD, schemaType: 'array' });
  // Where it may stand is checked on registration (see sensitive-annotation.ts); validation ignores it.
  ajv.addKeyword({ keyword: SENSITIVE_KEYWORD, schemaType: 'boolean' });
  return ajv;
}

const ajv = newAjv();

/** How many compiled schemas stay in memory; the rest are compiled again when next used. */
export const COMPILED_SCHEMA_CACHE_SIZE = 200;

// Bounded, and what leaves it leaves Ajv too: clients can post any number of distinct schemas.
const compiled = new LRUCache<string, { validate: ValidateFunction; schema: JsonSchema }>({
  max: COMPILED_SCHEMA_CACHE_SIZE,
  dispose: ({ schema }) => {
    ajv.removeSchema(schema as object);
  },
});

/** Compiled schemas held now (for tests of the bound). */
export function compiledSchemaCount(): number {
  return compiled.size;
}

export const MAX_SCHEMA_BYTES = 256 * 1024;

/**
 * Checks a schema is itself valid and compiles it (cached by content), or throws a 400 saying why not. With
 * `keep: false` the schema is only checked: nothing about it stays in memory.
 */
export function compileSchema(schema: unknown, options: { keep: boolean } = { keep: true }): ValidateFunction {
  if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
    throw invalid('A metadata schema must be a JSON Schema object (or true/false)');
  }
  const key = canonicalJson(schema);
  if (key.length > MAX_SCHEMA_BYTES) throw invalid(`A metadata schema must be at most ${MAX_SCHEMA_BYTES} bytes`);
  const cached = compiled.get(key);
  if (cached) return cached.validate;
  if (typeof schema === 'object' && '$id' in schema) {
    // ajv keeps schemas with an $id in a registry; two versions sharing one would collide.
    throw invalid('A metadata schema must not declare $id; subjects and versions identify schemas');
  }
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema as JsonSchema);
  } catch (error) {
    throw invalid(`The metadata schema is not a valid JSON Schema: ${(error as Error).message}`);
  }
  if (options.keep) compiled.set(key, { validate, schema: schema as JsonSchema });
  else if (typeof schema === 'object') ajv.removeSchema(schema);
  return validate;
}

/**
 * Every violation of `document` against `schema`, in document order; empty when it conforms. With `partial`, a
 * field the schema requires may still be missing (a run still in progress has not logged everything yet): what is
 * there must conform, what is not is not counted.
 */
export function validateDocument(
  schema: JsonSchema,
  document: unknown,
  options: { partial?: boolean } = {},
): Violation[] {
  const validate = compileSchema(schema);
  if (validate(document)) return [];
  const errors = (validate.errors ?? []).filter((e) => !(options.partial && e.keyword === 'required'));
  const violations = errors.map(toViolation);
  const seen = new Set<string>();
  return violations
    .filter((v) => {
      const key = `${v.path}\u0000${v.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function toViolation(error: ErrorObject): Violation {
  const base = error.instancePath === '' ? '' : error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: `${base}/${String(params.missingProperty)}`, message: 'is required' };
    case 'additionalProperties':
      return {
        path: `${base}/${String(params.additionalProperty)}`,
        message: 'is not allowed by the schema (additionalProperties is false)',
      };
    case 'enum':
      return {
        path: base || '/',
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    default:
      return { path: base || '/', message: error.message ?? `fails ${error.keyword}` };
  }
}

export function describeViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.path}: ${v.message}`).join('; ');
}
