import { normalizeWords } from './search-text.js';

/** A stretch of a result's text, marked when it is a word the query matched. */
export interface HighlightSegment {
  text: string;
  match: boolean;
}

const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/**
 * The part of `text` around the first word the query's terms match (as word prefixes, as the index does), split
 * into marked and unmarked segments; undefined when no word matches. Segments rather than markup, so a client
 * renders them without trusting HTML from stored text.
 */
export function highlight(text: string, terms: readonly string[], width = 160): HighlightSegment[] | undefined {
  if (terms.length === 0 || text === '') return undefined;
  const matches: [number, number][] = [];
  for (const found of text.matchAll(WORD)) {
    const word = normalizeWords(found[0]);
    if (terms.some((term) => word.startsWith(term))) matches.push([found.index, found.index + found[0].length]);
    if (matches.length > 50) break;
  }
  if (matches.length === 0) return undefined;
  const first = matches[0]![0];
  const start = Math.max(0, Math.min(first - Math.floor(width / 3), text.length - width));
  const end = Math.min(text.length, start + width);
  const segments: HighlightSegment[] = [];
  let at = start;
  const push = (from: number, to: number, match: boolean) => {
    if (to > from) segments.push({ text: text.slice(from, to), match });
  };
  if (start > 0) segments.push({ text: '…', match: false });
  for (const [from, to] of matches) {
    if (from < at || from >= end) continue;
    push(at, from, false);
    push(from, Math.min(to, end), true);
    at = Math.min(to, end);
  }
  push(at, end, false);
  if (end < text.length) segments.push({ text: '…', match: false });
  return segments;
}
