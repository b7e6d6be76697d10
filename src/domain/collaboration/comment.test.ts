import { describe, expect, it } from 'vitest';
import { checkCommentBody, MAX_COMMENT_LENGTH } from './comment.js';

describe('checkCommentBody', () => {
  it('keeps Markdown and leading indentation, trims trailing space', () => {
    expect(checkCommentBody('    code\n**bold** \n\n')).toBe('    code\n**bold**');
  });
  it('refuses blank bodies', () => {
    expect(() => checkCommentBody(' \n\t')).toThrow(/needs a body/);
    expect(() => checkCommentBody('')).toThrow(/needs a body/);
  });
  it('refuses bodies over the limit and accepts one at it', () => {
    expect(checkCommentBody('x'.repeat(MAX_COMMENT_LENGTH))).toHaveLength(MAX_COMMENT_LENGTH);
    expect(() => checkCommentBody('x'.repeat(MAX_COMMENT_LENGTH + 1))).toThrow(/at most/);
  });
});
