import type { MnemoError } from '../errors.js';
import { describeToken, type Source, syntaxError, type Token, tokenize } from './filter-tokenizer.js';

/** A read position over the tokens of one source, with errors that point at the current token. */
export class TokenCursor {
  private readonly tokens: Token[];
  private index = 0;

  constructor(readonly source: Source) {
    this.tokens = tokenize(source);
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  next(): Token | undefined {
    const token = this.tokens[this.index];
    if (token !== undefined) this.index++;
    return token;
  }

  atEnd(): boolean {
    return this.index >= this.tokens.length;
  }

  /** True (and consumes it) when the next token is the given keyword, compared case-insensitively. */
  acceptKeyword(keyword: string): boolean {
    if (!isKeyword(this.peek(), keyword)) return false;
    this.index++;
    return true;
  }

  /** Position of a token, or of the end of input when there is none, for error messages. */
  positionOf(token: Token | undefined): number {
    return token === undefined ? this.source.text.length : token.start;
  }

  /** An error about `token` (or the end of input), naming what was found there. */
  errorAt(token: Token | undefined, reason: string): MnemoError {
    return syntaxError(this.source, reason, this.positionOf(token), { found: describeToken(this.source, token) });
  }
}

export function isKeyword(token: Token | undefined, keyword: string): boolean {
  return token?.kind === 'word' && token.text.toUpperCase() === keyword;
}
