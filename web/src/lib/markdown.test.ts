import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, safeHref } from './markdown.js';

describe('parseMarkdown', () => {
  it('reads headings, paragraphs, lists, quotes, code and rules', () => {
    const blocks = parseMarkdown(
      '# Title\n\nSome *text*\ncontinued.\n\n- a\n- b\n\n1. one\n2. two\n\n> quoted\n\n```py\nx = 1\n```\n\n---',
    );
    expect(blocks.map((b) => b.type)).toEqual(['heading', 'paragraph', 'list', 'list', 'quote', 'code', 'rule']);
    expect(blocks[1]).toEqual({
      type: 'paragraph',
      children: [
        { type: 'text', text: 'Some ' },
        { type: 'em', children: [{ type: 'text', text: 'text' }] },
        { type: 'text', text: ' continued.' },
      ],
    });
    expect(blocks[2]).toMatchObject({ type: 'list', ordered: false, items: [[{ text: 'a' }], [{ text: 'b' }]] });
    expect(blocks[3]).toMatchObject({ type: 'list', ordered: true });
    expect(blocks[5]).toEqual({ type: 'code', language: 'py', text: 'x = 1' });
  });

  it('keeps HTML as plain text', () => {
    const blocks = parseMarkdown('<script>alert(1)</script> <img src=x onerror=alert(1)>');
    expect(blocks).toEqual([
      {
        type: 'paragraph',
        children: [{ type: 'text', text: '<script>alert(1)</script> <img src=x onerror=alert(1)>' }],
      },
    ]);
  });
});

describe('parseInline', () => {
  it('reads bold, code, strikethrough and escapes', () => {
    expect(parseInline('**b** `c*d` ~~s~~ \\*lit\\*')).toEqual([
      { type: 'strong', children: [{ type: 'text', text: 'b' }] },
      { type: 'text', text: ' ' },
      { type: 'code', text: 'c*d' },
      { type: 'text', text: ' ' },
      { type: 'del', children: [{ type: 'text', text: 's' }] },
      { type: 'text', text: ' *lit*' },
    ]);
  });

  it('leaves stray asterisks alone', () => {
    expect(parseInline('2 * 3 * 4')).toEqual([{ type: 'text', text: '2 * 3 * 4' }]);
  });

  it('links only safe targets and turns bare URLs into links', () => {
    expect(parseInline('[ok](https://a.b/c)')).toEqual([
      { type: 'link', href: 'https://a.b/c', children: [{ type: 'text', text: 'ok' }] },
    ]);
    expect(parseInline('[bad](javascript:alert(1))')[0]).toEqual({ type: 'text', text: 'bad' });
    expect(parseInline('see https://x.org/p.')).toEqual([
      { type: 'text', text: 'see ' },
      { type: 'link', href: 'https://x.org/p', children: [{ type: 'text', text: 'https://x.org/p' }] },
      { type: 'text', text: '.' },
    ]);
  });

  it('accepts http(s), mailto and same-site links only', () => {
    expect(safeHref('HTTPS://x')).toBe('HTTPS://x');
    expect(safeHref('mailto:a@b')).toBe('mailto:a@b');
    expect(safeHref('/experiments/1')).toBe('/experiments/1');
    expect(safeHref('//evil.example')).toBeNull();
    expect(safeHref(' javascript:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,hi')).toBeNull();
  });
});
