import { describe, expect, it } from 'vitest';
import { MAX_MENTIONS, parseMentions, stripCode } from './mentions.js';

describe('parseMentions', () => {
  it('finds @names at the start, after spaces and punctuation, once each, in order', () => {
    expect(parseMentions('@ana please check, (@bo.k) and @ana again; cc:@carl_1')).toEqual(['ana', 'bo.k', 'carl_1']);
  });

  it('ends a name before trailing sentence punctuation', () => {
    expect(parseMentions('Thanks @ana. Ask @bo-, then @carl!')).toEqual(['ana', 'bo', 'carl']);
  });

  it('ignores e-mail addresses and @ inside words or paths', () => {
    expect(parseMentions('write to ana@example.com or see s3://b/@x and a/@y')).toEqual([]);
  });

  it('ignores inline code spans, double-backtick spans included', () => {
    expect(parseMentions('run `notify @ana` or ``a ` @bo`` but tell @carl')).toEqual(['carl']);
  });

  it('ignores fenced code blocks, closed or not', () => {
    const text = ['@ana look:', '```python', 'print("@bo")', '```', '~~~', '@carl', '~~~', '@dora', '```', '@eve'];
    expect(parseMentions(text.join('\n'))).toEqual(['ana', 'dora']);
  });

  it('keeps an unclosed backtick as text', () => {
    expect(parseMentions('a ` then @ana')).toEqual(['ana']);
  });

  it('accepts names in other scripts and caps how many are taken', () => {
    expect(parseMentions('@Zoë and @名前')).toEqual(['Zoë', '名前']);
    const many = Array.from({ length: MAX_MENTIONS + 10 }, (_, i) => `@u${i}`).join(' ');
    expect(parseMentions(many)).toHaveLength(MAX_MENTIONS);
  });

  it('finds nothing in a lone @ or @ followed by punctuation', () => {
    expect(parseMentions('@ @. @-x email@')).toEqual([]);
  });
});

describe('stripCode', () => {
  it('keeps line structure and text outside code', () => {
    expect(stripCode('a `b` c\n```\nx\n```\nd')).toBe('a   c\n\n\n\nd');
  });
});
