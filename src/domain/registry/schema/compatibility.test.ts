import { describe, expect, it } from 'vitest';
import { checkCompatibility, describeProblems } from './compatibility.js';
import type { CompatibilityMode } from './compatibility-mode.js';
import type { JsonSchema } from './json-schema.js';

const reasons = (mode: CompatibilityMode, history: JsonSchema[], candidate: JsonSchema) =>
  checkCompatibility(
    mode,
    history.map((schema, i) => ({ version: i + 1, schema })),
    candidate,
  ).map((p) => p.reason);

const closed = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const open = (properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: 'object',
  properties,
  required,
});

const v1 = closed({ owner: { type: 'string' }, latency_ms: { type: 'number' } });

describe('schema compatibility: BACKWARD (new schema reads old records)', () => {
  it('accepts a new optional field in a closed schema', () => {
    expect(reasons('BACKWARD', [v1], closed({ ...propsOf(v1), region: { type: 'string' } }))).toEqual([]);
  });

  it('refuses a field that became required, naming it', () => {
    expect(reasons('BACKWARD', [v1], closed(propsOf(v1), ['owner']))).toEqual(['field `owner` became required']);
  });

  it('refuses a changed type with both types named', () => {
    expect(reasons('BACKWARD', [v1], closed({ ...propsOf(v1), latency_ms: { type: 'string' } }))).toEqual([
      'field `latency_ms` changed type from number to string',
    ]);
  });

  it('accepts widening integer to number and refuses narrowing number to integer', () => {
    const int = closed({ n: { type: 'integer' } });
    const num = closed({ n: { type: 'number' } });
    expect(reasons('BACKWARD', [int], num)).toEqual([]);
    expect(reasons('BACKWARD', [num], int)).toEqual(['field `n` changed type from number to integer']);
    const nullable = closed({ n: { type: ['number', 'null'] } });
    expect(reasons('BACKWARD', [num], nullable)).toEqual([]);
    expect(reasons('BACKWARD', [nullable], num)).toEqual(['field `n` changed type from number | null to number']);
  });

  it('refuses a removed enum value and accepts an added one', () => {
    const stages = (values: string[]) => closed({ stage: { type: 'string', enum: values } });
    expect(reasons('BACKWARD', [stages(['alpha', 'beta', 'ga'])], stages(['alpha', 'ga']))).toEqual([
      'enum value `beta` was removed from field `stage`',
    ]);
    expect(reasons('BACKWARD', [stages(['alpha'])], stages(['alpha', 'ga']))).toEqual([]);
    expect(reasons('BACKWARD', [closed({ stage: { type: 'string' } })], stages(['alpha']))).toEqual([
      'field `stage` became restricted to the values `alpha`',
    ]);
  });

  it('refuses a removed field in a closed schema and accepts it in an open one', () => {
    expect(reasons('BACKWARD', [v1], closed({ owner: { type: 'string' } }))).toEqual([
      'field `latency_ms` was removed while additionalProperties is false, so records that have it would be rejected',
    ]);
    expect(reasons('BACKWARD', [open(propsOf(v1))], open({ owner: { type: 'string' } }))).toEqual([]);
  });

  it('refuses closing an open schema and a constrained field added to an open schema', () => {
    expect(reasons('BACKWARD', [open(propsOf(v1))], v1)).toEqual([
      'the document changed additionalProperties from true to false',
    ]);
    expect(reasons('BACKWARD', [open({})], open({ region: { type: 'string' } }))).toEqual([
      'field `region` was added with constraints, but the older schema allowed any value there (its additionalProperties is not false)',
    ]);
    expect(reasons('BACKWARD', [open({})], open({ region: { description: 'free text' } }))).toEqual([]);
  });

  it('follows nested objects and array items with dotted paths', () => {
    const card = (contactType: JsonSchema, required: string[]) =>
      closed({
        card: closed({ contact: closed({ email: contactType }, required) }),
        slices: { type: 'array', items: closed({ name: { type: 'string' }, weight: { type: 'number' } }) },
      });
    const before = card({ type: 'string' }, []);
    expect(reasons('BACKWARD', [before], card({ type: 'string', format: 'email' }, ['email']))).toEqual([
      'field `card.contact.email` became required',
      'field `card.contact.email` changed `format` from none to "email"',
    ]);
    const narrowedItems = closed({
      card: closed({ contact: closed({ email: { type: 'string' } }) }),
      slices: { type: 'array', items: closed({ name: { type: 'string' }, weight: { type: 'integer' } }) },
    });
    expect(reasons('BACKWARD', [before], narrowedItems)).toEqual([
      'field `slices[].weight` changed type from number to integer',
    ]);
  });

  it('compares numeric, string and array bounds', () => {
    const bounded = (schema: JsonSchema) => closed({ x: schema });
    expect(
      reasons('BACKWARD', [bounded({ type: 'number', minimum: 0 })], bounded({ type: 'number', minimum: 1 })),
    ).toEqual(['field `x` changed `minimum` from 0 to 1']);
    expect(
      reasons('BACKWARD', [bounded({ type: 'number', minimum: 1 })], bounded({ type: 'number', minimum: 0 })),
    ).toEqual([]);
    expect(reasons('BACKWARD', [bounded({ type: 'string' })], bounded({ type: 'string', maxLength: 10 }))).toEqual([
      'field `x` changed `maxLength` from none to 10',
    ]);
    expect(
      reasons('BACKWARD', [bounded({ type: 'array', maxItems: 3 })], bounded({ type: 'array', maxItems: 5 })),
    ).toEqual([]);
    expect(
      reasons('BACKWARD', [bounded({ type: 'string', pattern: '^a' })], bounded({ type: 'string', pattern: '^b' })),
    ).toEqual(['field `x` changed `pattern` from "^a" to "^b"']);
  });

  it('refuses changes to keywords it cannot reason about, and ignores annotations', () => {
    const withAnyOf = (types: string[]) => closed({ x: { anyOf: types.map((type) => ({ type })) } });
    expect(reasons('BACKWARD', [withAnyOf(['string'])], withAnyOf(['string', 'number']))).toEqual([
      'field `x` changed keyword `anyOf`, whose compatibility cannot be verified',
    ]);
    expect(reasons('BACKWARD', [withAnyOf(['string'])], withAnyOf(['string']))).toEqual([]);
    const annotated = closed({ owner: { type: 'string', title: 'Owner', description: 'team' } }, []);
    expect(
      reasons('BACKWARD', [closed({ owner: { type: 'string' } })], {
        ...(annotated as object),
        'x-recommended': ['owner'],
      }),
    ).toEqual([]);
  });

  it('checks only the latest version, unlike BACKWARD_TRANSITIVE', () => {
    // Version 2 was registered while the subject was in NONE mode and broke version 1's records.
    const first = closed({ legacy: { type: 'string' } });
    const second = closed({ legacy: { type: 'number' } });
    const third = closed({ legacy: { type: 'number', description: 'kept from version 2' } });
    expect(reasons('BACKWARD', [first, second], third)).toEqual([]);
    expect(reasons('BACKWARD_TRANSITIVE', [first, second], third)).toEqual([
      'field `legacy` changed type from string to number',
    ]);
  });
});

describe('schema compatibility: FORWARD (old schema reads new records)', () => {
  it('accepts removing an optional field from an open schema and dropping a requirement-free field', () => {
    expect(reasons('FORWARD', [open(propsOf(v1))], open({ owner: { type: 'string' } }))).toEqual([
      'field `latency_ms` was removed while additional properties are allowed, so new records may hold any value there',
    ]);
    expect(reasons('FORWARD', [v1], closed({ owner: { type: 'string' } }))).toEqual([]);
  });

  it('accepts a field becoming required and refuses one that is no longer required', () => {
    const required = closed(propsOf(v1), ['owner']);
    expect(reasons('FORWARD', [v1], required)).toEqual([]);
    expect(reasons('FORWARD', [required], v1)).toEqual(['field `owner` is no longer required']);
  });

  it('refuses an added enum value and widening, accepts narrowing', () => {
    const stages = (values: string[]) => closed({ stage: { enum: values } });
    expect(reasons('FORWARD', [stages(['alpha'])], stages(['alpha', 'ga']))).toEqual([
      'enum value `ga` was added to field `stage`',
    ]);
    expect(reasons('FORWARD', [stages(['alpha', 'ga'])], stages(['alpha']))).toEqual([]);
    expect(reasons('FORWARD', [closed({ n: { type: 'integer' } })], closed({ n: { type: 'number' } }))).toEqual([
      'field `n` changed type from integer to number',
    ]);
  });

  it('refuses a field added to a closed schema', () => {
    expect(reasons('FORWARD', [v1], closed({ ...propsOf(v1), region: { type: 'string' } }))).toEqual([
      'field `region` was added but the older schema does not allow additional properties',
    ]);
  });

  it('FORWARD_TRANSITIVE checks every earlier version', () => {
    const a = closed({ stage: { enum: ['alpha'] } });
    const b = closed({ stage: { enum: ['alpha', 'beta'] } });
    const c = closed({ stage: { enum: ['beta'] } });
    expect(reasons('FORWARD', [a, b], c)).toEqual([]);
    expect(reasons('FORWARD_TRANSITIVE', [a, b], c)).toEqual(['enum value `beta` was added to field `stage`']);
  });
});

describe('schema compatibility: FULL and NONE', () => {
  it('FULL accepts changes that keep the set of valid records and refuses one-way changes', () => {
    const annotated = closed({ owner: { type: 'string', description: 'owning team' }, latency_ms: { type: 'number' } });
    expect(reasons('FULL', [v1], annotated)).toEqual([]);
    expect(reasons('FULL', [v1], closed({ ...propsOf(v1), region: { type: 'string' } }))).toEqual([
      'field `region` was added but the older schema does not allow additional properties',
    ]);
    expect(reasons('FULL', [v1], closed(propsOf(v1), ['owner']))).toEqual(['field `owner` became required']);
  });

  it('FULL_TRANSITIVE checks both directions against every version', () => {
    const a = closed({ x: { type: 'number' } });
    const b = closed({ x: { type: 'number', description: 'same' } });
    const c = closed({ x: { type: 'number', title: 'still same' } });
    expect(reasons('FULL_TRANSITIVE', [a, b], c)).toEqual([]);
    const d = closed({ x: { type: 'number', maximum: 10 } });
    expect(reasons('FULL_TRANSITIVE', [a, b], d)).toEqual([
      'field `x` changed `maximum` from none to 10',
      'field `x` changed `maximum` from none to 10',
    ]);
  });

  it('NONE accepts anything', () => {
    expect(reasons('NONE', [v1], { type: 'string' })).toEqual([]);
  });

  it('describes a refusal with the mode, the versions and the reasons', () => {
    const problems = checkCompatibility('BACKWARD', [{ version: 3, schema: v1 }], closed(propsOf(v1), ['owner']));
    expect(describeProblems('BACKWARD', problems)).toBe(
      'Schema is not BACKWARD compatible: field `owner` became required (breaks backward compatibility with ' +
        'version 3: records written with it would be rejected)',
    );
  });
});

function propsOf(schema: JsonSchema): Record<string, JsonSchema> {
  return (schema as { properties: Record<string, JsonSchema> }).properties;
}
