import { describe, expect, it } from 'vitest';
import { COMPILED_SCHEMA_CACHE_SIZE, compiledSchemaCount, compileSchema, validateDocument } from './json-schema.js';

describe('user patterns in metadata schemas', () => {
  it('runs pattern and patternProperties in linear time on adversarial values', () => {
    const schema = {
      type: 'object',
      properties: { owner: { type: 'string', pattern: '^(.*a){25}$' } },
      patternProperties: { '^((x+))+$': { type: 'number' } },
    };
    // A backtracking engine needs on the order of 2^n steps for each of these: the test could not finish.
    const violations = validateDocument(schema, { owner: `${'a'.repeat(5_000)}!`, [`${'x'.repeat(5_000)}!`]: 'n' });
    expect(violations).toEqual([{ path: '/owner', message: expect.stringMatching(/must match pattern/) }]);
    expect(validateDocument(schema, { owner: 'a'.repeat(25), xxx: 1 })).toEqual([]);
    expect(validateDocument(schema, { owner: 'a'.repeat(25), xxx: 'no' })).toEqual([
      expect.objectContaining({ path: '/xxx' }),
    ]);
  });

  it('tells different patterns apart', () => {
    const two = {
      type: 'object',
      properties: { a: { type: 'string', pattern: '^a$' }, b: { type: 'string', pattern: '^b$' } },
    };
    expect(validateDocument(two, { a: 'a', b: 'b' })).toEqual([]);
    expect(validateDocument(two, { a: 'b', b: 'a' }).map((v) => v.path)).toEqual(['/a', '/b']);
  });

  it('refuses patterns a linear-time engine cannot run, with the reason', () => {
    expect(() => compileSchema({ type: 'string', pattern: '^(a)\\1$' })).toThrow(/not a valid JSON Schema.*\\1/);
  });

  it('keeps a bounded number of compiled schemas, and none that were only checked', () => {
    const before = compiledSchemaCount();
    for (let i = 0; i < 50; i++)
      compileSchema({ type: 'object', properties: { [`only-checked-${i}`]: {} } }, { keep: false });
    expect(compiledSchemaCount()).toBe(before);
    for (let i = 0; i < COMPILED_SCHEMA_CACHE_SIZE * 3; i++) {
      compileSchema({ type: 'object', properties: { [`field-${i}`]: { type: 'string', pattern: `^v${i}$` } } });
    }
    expect(compiledSchemaCount()).toBe(COMPILED_SCHEMA_CACHE_SIZE);
    // An evicted schema compiles again when it is next used.
    expect(
      validateDocument(
        { type: 'object', properties: { 'field-0': { type: 'string', pattern: '^v0$' } } },
        { 'field-0': 'v1' },
      ),
    ).toHaveLength(1);
  });
});
