import type { FilterEntity } from './filter-ast.js';
import { describeToken, syntaxError } from './filter-tokenizer.js';
import type { TokenCursor } from './token-cursor.js';

/** An `<entity>.<key>` reference as written, before checking it against what the search target allows. */
export interface ParsedIdentifier {
  entity: FilterEntity;
  key: string;
  /** Offset of the identifier in the source, for error messages. */
  start: number;
  /** The identifier exactly as typed. */
  raw: string;
}

// MLflow accepts singular, plural and a few historical spellings for each entity prefix.
const PREFIXES = new Map<string, FilterEntity>([
  ['metrics', 'metric'],
  ['metric', 'metric'],
  ['params', 'param'],
  ['param', 'param'],
  ['parameters', 'param'],
  ['parameter', 'param'],
  ['tags', 'tag'],
  ['tag', 'tag'],
  ['attributes', 'attribute'],
  ['attribute', 'attribute'],
  ['attr', 'attribute'],
  ['run', 'attribute'],
  ['datasets', 'dataset'],
  ['dataset', 'dataset'],
]);

const EXPECTED = 'expected an identifier such as metrics.<key>, params.<key>, tags.<key> or an attribute name';

/**
 * Reads one identifier. Forms: `status` (a bare attribute), `` `status` ``, `tags.mlflow.runName` (everything after
 * the first dot is the key), and `` metrics.`my metric` `` / `params."lr.x"` for keys that need quoting.
 */
export function parseIdentifier(cursor: TokenCursor): ParsedIdentifier {
  const source = cursor.source;
  const token = cursor.next();
  if (token?.kind === 'quoted' && token.quote === '`') {
    if (token.text === '') throw syntaxError(source, 'empty identifier', token.start);
    return { entity: 'attribute', key: token.text, start: token.start, raw: source.text.slice(token.start, token.end) };
  }
  if (token?.kind !== 'word') throw cursor.errorAt(token, EXPECTED);

  const dot = token.text.indexOf('.');
  if (dot === -1) return { entity: 'attribute', key: token.text, start: token.start, raw: token.text };

  const prefix = token.text.slice(0, dot);
  const entity = PREFIXES.get(prefix.toLowerCase());
  if (entity === undefined) {
    throw syntaxError(
      source,
      `unknown entity type '${prefix}' in '${token.text}'; expected metrics, params, tags, attributes or datasets`,
      token.start,
    );
  }

  const unquotedKey = token.text.slice(dot + 1);
  if (unquotedKey !== '') return { entity, key: unquotedKey, start: token.start, raw: token.text };

  // `tags.` must be followed, with no space, by a backtick- or double-quoted key.
  const quoted = cursor.peek();
  if (quoted?.kind !== 'quoted' || quoted.quote === "'" || quoted.start !== token.end) {
    throw syntaxError(
      source,
      `expected a key after '${token.text}' (quote keys with backticks or double quotes)`,
      token.end,
      { found: describeToken(source, quoted) },
    );
  }
  cursor.next();
  if (quoted.text === '') throw syntaxError(source, `empty key after '${token.text}'`, quoted.start);
  return { entity, key: quoted.text, start: token.start, raw: source.text.slice(token.start, quoted.end) };
}
