/**
 * The one normalisation both the index and the query go through, so SQLite's and PostgreSQL's tokenisers see the
 * same plain words: lower case, accents removed, every character that is not a letter or a digit a space. Query
 * syntax (quotes, `*`, `-`, `:`, parentheses, `NEAR`) therefore reaches the database only as the words around it.
 */
export function normalizeWords(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** At most this many words of a query are searched for; the rest of a long paste adds nothing but cost. */
export const MAX_QUERY_TERMS = 12;
/** Longer words are cut: no indexed word is useful past this. */
export const MAX_TERM_LENGTH = 64;

/** The distinct words of a query, in order, as the index holds them. An empty list asks for everything. */
export function queryTerms(query: string): string[] {
  const terms: string[] = [];
  // Only the start of a very long query is read: a 10,000-character paste costs no more than a sentence.
  for (const word of normalizeWords(query.slice(0, 2000)).split(' ')) {
    if (word === '') continue;
    const term = word.slice(0, MAX_TERM_LENGTH);
    if (!terms.includes(term)) terms.push(term);
    if (terms.length === MAX_QUERY_TERMS) break;
  }
  return terms;
}

/**
 * An FTS5 MATCH expression finding documents holding every term as a word prefix: each term is a quoted string, so
 * nothing in it is an operator (the words are letters and digits only anyway; NEAR, AND, OR, NOT are quoted words).
 */
export function fts5Match(terms: readonly string[]): string {
  return terms.map((term) => `"${term}"*`).join(' ');
}

/**
 * The PostgreSQL tsquery text for the same question: each term quoted as a lexeme and matched as a prefix, all
 * required. Terms hold letters and digits only, so the quotes cannot be closed early.
 */
export function tsQueryText(terms: readonly string[]): string {
  return terms.map((term) => `'${term}':*`).join(' & ');
}
