import { describe, expect, it } from 'vitest';
import { completeMention, mentionAtCaret } from './mention-at-caret.js';

describe('mentionAtCaret', () => {
  it('finds the name being typed after an @ at the start or after a space or punctuation', () => {
    expect(mentionAtCaret('@bo', 3)).toEqual({ start: 0, prefix: 'bo' });
    expect(mentionAtCaret('thanks @an', 10)).toEqual({ start: 7, prefix: 'an' });
    expect(mentionAtCaret('(cc @Zoë', 8)).toEqual({ start: 4, prefix: 'Zoë' });
    expect(mentionAtCaret('hi @ana.b', 9)).toEqual({ start: 3, prefix: 'ana.b' });
  });
  it('reads only up to the caret', () => {
    expect(mentionAtCaret('@bob and more', 2)).toEqual({ start: 0, prefix: 'b' });
    expect(mentionAtCaret('@bob and more', 8)).toBeNull();
  });
  it('sees no mention in an e-mail address, a bare @ or after a space', () => {
    expect(mentionAtCaret('ana@exam', 8)).toBeNull();
    expect(mentionAtCaret('hello @', 7)).toBeNull();
    expect(mentionAtCaret('@bo ', 4)).toBeNull();
    expect(mentionAtCaret('@-x', 3)).toBeNull();
  });
});

describe('completeMention', () => {
  it('replaces the typed part with the full name and a space, caret after it', () => {
    expect(completeMention('hi @b', { start: 3, prefix: 'b' }, 'bo')).toEqual({ text: 'hi @bo ', caret: 7 });
  });
  it('keeps what follows the caret and does not double a space', () => {
    const text = '@a please look';
    expect(completeMention('@a please', { start: 0, prefix: 'a' }, 'ana')).toEqual({
      text: '@ana please',
      caret: 5,
    });
    expect(completeMention(text, { start: 0, prefix: 'a' }, 'ana').text).toBe('@ana please look');
  });
});
