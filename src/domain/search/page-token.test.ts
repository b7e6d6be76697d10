import { describe, expect, it } from 'vitest';
import { MnemoError } from '../errors.js';
import { decodePageToken, encodePageToken } from './page-token.js';

const tokenOf = (json: string) => Buffer.from(json, 'utf8').toString('base64url');

describe('page tokens', () => {
  it.each([0, 1, 50, 1000, 123456789, Number.MAX_SAFE_INTEGER])('round-trips offset %d', (offset) => {
    expect(decodePageToken(encodePageToken(offset))).toBe(offset);
  });

  it('produces url-safe opaque text', () => {
    const token = encodePageToken(987654321);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(token).not.toContain('987654321');
  });

  it('treats a missing or empty token as the first page', () => {
    expect(decodePageToken(undefined)).toBe(0);
    expect(decodePageToken('')).toBe(0);
  });

  it.each([
    ['not base64url', 'abc$%^'],
    ['with padding', `${tokenOf('{"offset":5}')}==`],
    ['standard base64 alphabet', '+/+/'],
    ['garbage bytes', 'AAAA'],
    ['not json', tokenOf('hello')],
    ['a bare number', tokenOf('5')],
    ['null', tokenOf('null')],
    ['an array', tokenOf('[5]')],
    ['missing offset', tokenOf('{"page":5}')],
    ['negative', tokenOf('{"offset":-1}')],
    ['fractional', tokenOf('{"offset":1.5}')],
    ['string offset', tokenOf('{"offset":"5"}')],
    ['unsafe integer', tokenOf('{"offset":1e300}')],
  ])('rejects %s', (_name, token) => {
    let error: unknown;
    try {
      decodePageToken(token);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MnemoError);
    expect((error as MnemoError).code).toBe('INVALID_PARAMETER_VALUE');
    expect((error as MnemoError).message).toMatch(/^Invalid page token /);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses to encode offset %d', (offset) => {
    expect(() => encodePageToken(offset)).toThrow(RangeError);
  });
});
