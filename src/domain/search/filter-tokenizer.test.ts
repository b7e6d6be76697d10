import { describe, expect, it } from 'vitest';
import { tokenize } from './filter-tokenizer.js';

const lex = (text: string) => tokenize({ text, label: 'filter' });

describe('tokenize', () => {
  it('splits a comparison into positioned tokens', () => {
    expect(lex("tags.mlflow.runName != 'a b'")).toEqual([
      { kind: 'word', text: 'tags.mlflow.runName', start: 0, end: 19 },
      { kind: 'op', text: '!=', start: 20, end: 22 },
      { kind: 'quoted', text: 'a b', quote: "'", start: 23, end: 28 },
    ]);
  });

  it('reads the longest operator', () => {
    expect(lex('<= >= <> != < > =').map((t) => t.text)).toEqual(['<=', '>=', '<>', '!=', '<', '>', '=']);
    expect(lex('a>=1').map((t) => t.kind)).toEqual(['word', 'op', 'number']);
  });

  it('reads lists, numbers and all three quote styles', () => {
    expect(lex('IN (\'a\',"b") -1.5e-3 `k`').map((t) => [t.kind, t.text, t.quote])).toEqual([
      ['word', 'IN', undefined],
      ['lparen', '(', undefined],
      ['quoted', 'a', "'"],
      ['comma', ',', undefined],
      ['quoted', 'b', '"'],
      ['rparen', ')', undefined],
      ['number', '-1.5e-3', undefined],
      ['quoted', 'k', '`'],
    ]);
  });

  it('records where a quoted token ends, escapes included', () => {
    const [token] = lex("'it''s'");
    expect(token).toEqual({ kind: 'quoted', text: "it's", quote: "'", start: 0, end: 7 });
  });

  it('returns nothing for whitespace', () => {
    expect(lex(' \t\n ')).toEqual([]);
  });

  it('rejects stray characters with their position', () => {
    expect(() => lex('a = 1 # x')).toThrow("Invalid filter 'a = 1 # x': unexpected character '#' at position 6");
    expect(() => lex('a = "x')).toThrow(/unterminated quoted text starting with " at position 4/);
  });
});
