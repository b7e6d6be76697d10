import { describe, expect, it } from 'vitest';
import { checkSensitiveAnnotations, sensitiveFieldsOf } from './sensitive-annotation.js';

const marked = { type: 'string', 'x-sensitive': true };

describe('x-sensitive annotations', () => {
  it('name custom fields and tags of registry schemas, params and tags of run schemas', () => {
    const registry = {
      type: 'object',
      properties: {
        contact: marked,
        rows: { type: 'integer', 'x-sensitive': false },
        tags: { type: 'object', properties: { 'owner.email': marked, team: { type: 'string' } } },
      },
    };
    expect(() => checkSensitiveAnnotations(registry, 'model_version')).not.toThrow();
    expect(sensitiveFieldsOf(registry)).toEqual({ metadata: ['contact'], tags: ['owner.email'], params: [] });
    const run = {
      type: 'object',
      properties: { params: { type: 'object', properties: { token: marked } }, tags: { properties: { a: marked } } },
    };
    expect(() => checkSensitiveAnnotations(run, 'run')).not.toThrow();
    expect(sensitiveFieldsOf(run)).toEqual({ metadata: [], tags: ['a'], params: ['token'] });
    expect(sensitiveFieldsOf(true)).toEqual({ metadata: [], tags: [], params: [] });
  });

  it.each([
    [
      'a nested field',
      'model',
      { properties: { owner: { properties: { email: marked } } } },
      /owner\/properties\/email/,
    ],
    ['a first-class field', 'model', { properties: { ownerTeam: marked } }, /first-class field 'ownerTeam'/],
    ['a custom field of a run', 'run', { properties: { name: marked } }, /properties\/name/],
    ['a param of a version', 'model_version', { properties: { params: { properties: { a: marked } } } }, /params/],
    ['a dataset field', 'dataset', { properties: { description: marked } }, /no free-form values/],
    ['inside a combinator', 'model', { anyOf: [{ properties: { secret: marked } }] }, /anyOf\/0/],
    ['a non-boolean', 'model', { properties: { a: { 'x-sensitive': 'yes' } } }, /true or false/],
  ] as const)('refuses %s', (_what, kind, schema, message) => {
    expect(() => checkSensitiveAnnotations(schema, kind)).toThrow(message);
  });
});
