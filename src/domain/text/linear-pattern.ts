import { RE2JS } from 're2js';

/** A compiled user-supplied pattern: `test` finds a match anywhere in the text, as RegExp.prototype.test does. */
export interface LinearPattern {
  test(text: string): boolean;
  /** The pattern itself, as a RegExp prints: Ajv tells compiled patterns apart by it. */
  toString(): string;
}

/**
 * Compiles a pattern a user supplied (naming rules, JSON Schema `pattern`) with RE2's semantics, whose matching time
 * grows linearly with the text whatever the pattern: a backtracking engine given `^(a+)+$` or `^(.*a){25}$` and a
 * thirty-character name would block the server for seconds, doubling with each character. RE2 has no
 * backreferences or lookaround; patterns using them are refused with the parser's reason.
 */
export function compileLinearPattern(pattern: string): LinearPattern {
  const compiled = RE2JS.compile(pattern);
  return { test: (text) => compiled.test(text), toString: () => `/${pattern}/` };
}
