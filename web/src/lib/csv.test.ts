import { describe, expect, it } from 'vitest';
import { parseCsvHead } from './csv.js';

describe('parseCsvHead', () => {
  it('handles quotes, doubled quotes, embedded delimiters and newlines, and CRLF', () => {
    const text = 'a,b,c\r\n1,"x, y","say ""hi"""\r\n2,"multi\nline",\n';
    expect(parseCsvHead(text, 10)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['2', 'multi\nline', ''],
    ]);
  });

  it('stops after the requested number of rows and reads tab-separated text', () => {
    expect(parseCsvHead('h\n1\n2\n3\n', 2)).toEqual([['h'], ['1']]);
    expect(parseCsvHead('a\tb\n1\t2', 5, '\t')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });
});
