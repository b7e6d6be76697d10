import { invalid, type MnemoError } from '../errors.js';

/**
 * Lexer for MLflow's search language (filters and order_by clauses). It only splits text into tokens; whether a
 * quoted token is a key or a string value is decided by the parser from its position in the grammar.
 */
export type TokenKind = 'word' | 'quoted' | 'number' | 'op' | 'lparen' | 'rparen' | 'comma';

export type QuoteChar = "'" | '"' | '`';

export interface Token {
  kind: TokenKind;
  /** The decoded content for quoted tokens (quotes removed, escapes resolved); the raw text otherwise. */
  text: string;
  /** Set only on quoted tokens. */
  quote?: QuoteChar;
  /** 0-based offset of the first character in the source. */
  start: number;
  /** Offset just past the last character, so adjacency (`tags.` directly followed by a quote) can be checked. */
  end: number;
}

/** What is being parsed, so every error can quote the user's whole input. */
export interface Source {
  text: string;
  /** e.g. "filter" or "order_by clause". */
  label: string;
}

/** Extra detail for an error: what was found at the position, and a hint such as the accepted alternatives. */
export interface ErrorDetail {
  found?: string;
  hint?: string;
}

export function syntaxError(source: Source, reason: string, position: number, detail: ErrorDetail = {}): MnemoError {
  const found = detail.found === undefined ? '' : ` (found ${detail.found})`;
  const hint = detail.hint === undefined ? '' : `; ${detail.hint}`;
  return invalid(`Invalid ${source.label} '${source.text}': ${reason} at position ${position}${found}${hint}`);
}

/** How a token is shown in error messages: exactly as the user typed it. */
export function describeToken(source: Source, token: Token | undefined): string {
  return token === undefined ? 'end of input' : `'${source.text.slice(token.start, token.end)}'`;
}

// Longest operators first so ">=" is not read as ">" followed by "=".
const OPERATORS = ['!=', '<>', '>=', '<=', '=', '<', '>'] as const;

const WORD_START = /[A-Za-z_]/;
// Dots are part of a word so unquoted keys such as tags.mlflow.runName stay one token.
const WORD_PART = /[A-Za-z0-9_.]/;
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const WHITESPACE = /\s/;

export function tokenize(source: Source): Token[] {
  const text = source.text;
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < text.length) {
    const ch = text.charAt(pos);
    if (WHITESPACE.test(ch)) {
      pos++;
      continue;
    }
    const token = readToken(source, pos, ch);
    tokens.push(token);
    pos = token.end;
  }
  return tokens;
}

function readToken(source: Source, start: number, ch: string): Token {
  const text = source.text;
  if (ch === "'" || ch === '"' || ch === '`') return readQuoted(source, start, ch);
  if (ch === '(') return { kind: 'lparen', text: ch, start, end: start + 1 };
  if (ch === ')') return { kind: 'rparen', text: ch, start, end: start + 1 };
  if (ch === ',') return { kind: 'comma', text: ch, start, end: start + 1 };
  for (const op of OPERATORS) {
    if (text.startsWith(op, start)) return { kind: 'op', text: op, start, end: start + op.length };
  }
  if (WORD_START.test(ch)) {
    let end = start + 1;
    while (end < text.length && WORD_PART.test(text.charAt(end))) end++;
    return { kind: 'word', text: text.slice(start, end), start, end };
  }
  const number = NUMBER.exec(text.slice(start));
  if (number !== null) {
    const end = start + number[0].length;
    // "12abc" or "1.2.3" is a typo, not a number followed by an identifier.
    if (end < text.length && WORD_PART.test(text.charAt(end))) {
      throw syntaxError(source, 'malformed number', start);
    }
    return { kind: 'number', text: number[0], start, end };
  }
  throw syntaxError(source, `unexpected character '${ch}'`, start);
}

/**
 * A quote inside a quoted token may be written doubled ('it''s') or backslash-escaped ('it\'s'), and "\\" is a
 * backslash. Any other backslash is kept verbatim so LIKE escapes such as '50\%' reach the store untouched.
 */
function readQuoted(source: Source, start: number, quote: QuoteChar): Token {
  const text = source.text;
  let value = '';
  let pos = start + 1;
  while (pos < text.length) {
    const ch = text.charAt(pos);
    const next = text.charAt(pos + 1);
    if (ch === '\\' && (next === quote || next === '\\')) {
      value += next;
      pos += 2;
    } else if (ch === quote && next === quote) {
      value += quote;
      pos += 2;
    } else if (ch === quote) {
      return { kind: 'quoted', text: value, quote, start, end: pos + 1 };
    } else {
      value += ch;
      pos++;
    }
  }
  throw syntaxError(source, `unterminated quoted text starting with ${quote}`, start);
}
