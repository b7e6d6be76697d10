import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findUnstorable, MAX_JSON_DEPTH, textProblem } from './storable-value.js';

const nested = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
};

describe('storable values', () => {
  it('accepts well-formed Unicode, including pairs outside the BMP', () => {
    expect(textProblem('plain ascii')).toBeUndefined();
    expect(textProblem('emoji 😀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢')).toBeUndefined();
    expect(textProblem('\uD83D\uDE00')).toBeUndefined();
  });

  it('names lone surrogates at either end and NUL', () => {
    expect(textProblem('\uD800x')).toMatch(/lone UTF-16 surrogate \(U\+D800\)/);
    expect(textProblem('x\uDC00')).toMatch(/lone UTF-16 surrogate \(U\+DC00\)/);
    expect(textProblem('ends high \uDBFF')).toMatch(/U\+DBFF/);
    expect(textProblem('\uDE00\uD83D')).toMatch(/U\+DE00/);
    expect(textProblem('a\u0000b')).toMatch(/NUL/);
  });

  it('finds the offending field by path, in keys as well as values', () => {
    expect(
      findUnstorable(
        {
          tags: [
            { key: 'k', value: 'ok' },
            { key: 'k', value: '\uD800' },
          ],
        },
        'body',
      ),
    ).toEqual({
      path: 'body.tags[1].value',
      reason: expect.stringMatching(/surrogate/),
    });
    expect(findUnstorable({ meta: { 'bad\u0000key': 1 } }, '')).toEqual({
      path: 'meta.bad\u0000key',
      reason: expect.stringMatching(/field name that contains a NUL/),
    });
  });

  it("checks a record's own fields before the containers it holds, and only its own fields", () => {
    expect(findUnstorable({ a: { b: 'x\u0000' }, c: 'y\u0000' }, 'body')?.path).toBe('body.c');
    expect(findUnstorable({ list: [{ k: 'ok' }, { k: 'bad\uD800' }], z: 1 }, 'body')?.path).toBe('body.list[1].k');
    const inheriting = Object.assign(Object.create({ inherited: 'x\u0000' }) as object, { own: 'fine' });
    expect(findUnstorable(inheriting, 'body')).toBeUndefined();
  });

  it('caps nesting at the limit, and walks a very deep document without recursion', () => {
    expect(findUnstorable(nested(MAX_JSON_DEPTH), 'body')).toBeUndefined();
    expect(findUnstorable(nested(MAX_JSON_DEPTH + 1), 'body')?.reason).toMatch(/nested more than 64 levels/);
    expect(findUnstorable(JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), 'body')).toBeDefined();
  });

  it('accepts every well-formed string and refuses every string with a lone surrogate', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(textProblem(text.replaceAll('\u0000', ''))).toBeUndefined();
      }),
    );
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string(), (before, unit, after) => {
        // Strip surrogates from the surroundings so the inserted unit stays alone.
        const clean = (s: string) => s.replace(/[\uD800-\uDFFF]/g, '');
        expect(textProblem(`${clean(before)}${String.fromCharCode(unit)}${clean(after)}`)).toBeDefined();
      }),
    );
  });
});
