import { invalid } from '../errors.js';

/**
 * Which param and tag keys hold sensitive values: glob patterns where `*` stands for any run of characters (dots
 * included), so `customer.*` covers `customer.email` and `customer.address.city`, and `*.connection_string` covers
 * `warehouse.connection_string`. Patterns come from the server (`--sensitive-keys`) and from each experiment; a key
 * is sensitive when any of them matches it.
 */
export class SensitiveKeys {
  private readonly matchers: readonly RegExp[];

  constructor(readonly patterns: readonly string[]) {
    this.matchers = patterns.map(globToRegExp);
  }

  static readonly NONE = new SensitiveKeys([]);

  get isEmpty(): boolean {
    return this.patterns.length === 0;
  }

  matches(key: string): boolean {
    return this.matchers.some((matcher) => matcher.test(key));
  }

  /** These patterns and those of `other`, each once. */
  with(other: SensitiveKeys): SensitiveKeys {
    if (other.isEmpty) return this;
    if (this.isEmpty) return other;
    return new SensitiveKeys([...new Set([...this.patterns, ...other.patterns])]);
  }
}

export const MAX_SENSITIVE_PATTERNS = 100;
// The key alphabet (see tracking/limits.ts) plus `*`.
const PATTERN_ALPHABET = /^[\w\-. /:*]+$/u;

/**
 * Reads patterns from `a.*, *.b` (commas or newlines between them) or from a list; blanks are dropped. A pattern that
 * could never match a key, or `*` alone (which would seal every value and break search on all of them), is refused.
 */
export function parseSensitiveKeys(input: string | readonly string[]): SensitiveKeys {
  const items = typeof input === 'string' ? input.split(/[,\n]/) : input;
  const patterns = [...new Set(items.map((p) => p.trim()).filter((p) => p !== ''))];
  if (patterns.length > MAX_SENSITIVE_PATTERNS) {
    throw invalid(`At most ${MAX_SENSITIVE_PATTERNS} sensitive key patterns may be given; got ${patterns.length}`);
  }
  for (const pattern of patterns) {
    if (pattern.length > 250 || !PATTERN_ALPHABET.test(pattern)) {
      throw invalid(
        `Sensitive key pattern '${pattern.slice(0, 60)}' may only hold key characters (alphanumerics, _ - . / : and ` +
          'spaces) and * wildcards, up to 250 characters',
      );
    }
    if (/^\*+$/.test(pattern)) {
      throw invalid(`Sensitive key pattern '${pattern}' would match every key; name the keys to protect`);
    }
  }
  return new SensitiveKeys(patterns);
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'su');
}
