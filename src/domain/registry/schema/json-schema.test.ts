import { describe, expect, it } from 'vitest';
import { compileSchema, validateDocument } from './json-schema.js';

describe('metadata schema validation', () => {
  const schema = {
    type: 'object',
    required: ['ownerTeam', 'latency_ms'],
    'x-recommended': ['limitations'],
    properties: {
      ownerTeam: { type: 'string', minLength: 1 },
      latency_ms: { type: 'number', maximum: 100 },
      stage: { enum: ['alpha', 'beta'] },
      contact: { type: 'object', properties: { email: { type: 'string', format: 'email' } } },
    },
    additionalProperties: false,
  };

  it('lists every violation with its path and message', () => {
    expect(
      validateDocument(schema, { latency_ms: 'fast', stage: 'gamma', contact: { email: 'nope' }, color: 'red' }),
    ).toEqual([
      { path: '/color', message: 'is not allowed by the schema (additionalProperties is false)' },
      { path: '/contact/email', message: 'must match format "email"' },
      { path: '/latency_ms', message: 'must be number' },
      { path: '/ownerTeam', message: 'is required' },
      { path: '/stage', message: 'must be one of "alpha", "beta"' },
    ]);
    expect(validateDocument(schema, { ownerTeam: 'risk', latency_ms: 20 })).toEqual([]);
  });

  it('refuses schemas that are not valid JSON Schema, with the reason', () => {
    expect(() => compileSchema({ type: 'strng' })).toThrow(/not a valid JSON Schema/);
    expect(() => compileSchema({ type: 'object', requird: ['x'] })).toThrow(/unknown keyword: "requird"/);
    expect(() => compileSchema([1])).toThrow(/JSON Schema object/);
    expect(() => compileSchema({ $id: 'x' })).toThrow(/\$id/);
    expect(() => compileSchema({ 'x-recommended': 'owner' })).toThrow(/not a valid JSON Schema/);
    expect(compileSchema(true)({ anything: 1 })).toBe(true);
  });
});
