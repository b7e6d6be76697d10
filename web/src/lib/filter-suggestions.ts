import type { ExperimentKeys } from '../api/types.js';
import { fieldReference } from './columns.js';

/** Attributes the run filter language accepts, as a user would type them. */
export const FILTER_ATTRIBUTES = [
  'attributes.status',
  'attributes.run_name',
  'attributes.user_id',
  'attributes.start_time',
  'attributes.end_time',
  'attributes.run_id',
  'attributes.complete',
  'datasets.name',
  'datasets.digest',
  'datasets.context',
];

export interface Suggestions {
  /** The span of the filter text the chosen suggestion replaces. */
  start: number;
  end: number;
  items: string[];
}

/** Every field reference a filter over this experiment could use. */
export function filterFields(keys: ExperimentKeys): string[] {
  return [
    ...keys.metrics.map((k) => fieldReference('metrics', k)),
    ...keys.params.map((k) => fieldReference('params', k)),
    ...keys.tags.map((k) => fieldReference('tags', k)),
    ...FILTER_ATTRIBUTES,
  ];
}

/**
 * Completes the identifier under the cursor. Typing `lr` offers `params.lr`; typing `metrics.` offers every metric.
 * Inside a quoted value nothing is offered, since values are free text.
 */
export function suggestFields(text: string, cursor: number, fields: readonly string[], limit = 12): Suggestions {
  const before = text.slice(0, cursor);
  const quotes = (before.match(/'/g) ?? []).length + (before.match(/"/g) ?? []).length;
  let start = cursor;
  while (start > 0 && /[\w.`-]/.test(text[start - 1]!)) start--;
  let end = cursor;
  while (end < text.length && /[\w.`-]/.test(text[end]!)) end++;
  const word = text.slice(start, cursor).toLowerCase();
  if (quotes % 2 === 1 || word === '') return { start, end, items: [] };
  const scored = fields
    .map((field) => {
      const lower = field.toLowerCase();
      const key = lower.slice(lower.indexOf('.') + 1);
      const rank = lower.startsWith(word) ? 0 : key.startsWith(word) ? 1 : lower.includes(word) ? 2 : -1;
      return { field, rank };
    })
    .filter((s) => s.rank >= 0 && s.field.toLowerCase() !== word);
  scored.sort((a, b) => a.rank - b.rank || a.field.localeCompare(b.field));
  return { start, end, items: scored.slice(0, limit).map((s) => s.field) };
}

export function applySuggestion(
  text: string,
  suggestions: Suggestions,
  item: string,
): { text: string; cursor: number } {
  const next = `${text.slice(0, suggestions.start)}${item} ${text.slice(suggestions.end).trimStart()}`;
  return { text: next, cursor: suggestions.start + item.length + 1 };
}
