import { invalid } from '../errors.js';
import { normalizeWords } from './search-text.js';

/** The entity types the discovery index holds, as the API names them. */
export const DISCOVERY_TYPES = [
  'model',
  'model_version',
  'experiment',
  'run',
  'dataset',
  'dataset_version',
  'feature',
  'deployment',
] as const;
export type DiscoveryType = (typeof DISCOVERY_TYPES)[number];

/** Facets whose values are terms: what `facet=<name>=<value>` narrows by and what counts are returned for. */
export const TERM_FACETS = [
  'stage',
  'alias',
  'team',
  'owner',
  'framework',
  'task_type',
  'algorithm_family',
  'regulatory_flag',
  'dataset',
  'feature',
  'tag_key',
  'tag',
] as const;
export type TermFacet = (typeof TERM_FACETS)[number];

/** The key of the latency budget among the numeric values range facets read (metric keys are the rest). */
export const LATENCY_BUDGET_KEY = '@latency_budget_ms';

export type DiscoveryFilter =
  | { kind: 'term'; facet: TermFacet; value: string }
  | { kind: 'time'; field: 'created_time' | 'updated_time'; min?: number; max?: number }
  | { kind: 'number'; key: string; min?: number; max?: number };

/**
 * Reads the `facet` parameters of a search: `stage=Production`, `tag.team=risk` (a tag's value), `tag_key=pii`,
 * `created=2026-01-01..2026-03-31` and `updated=…` (dates or epoch milliseconds, either end open), `metric.auc=0.85..0.95`,
 * `latency_budget_ms=..100`. A facet that does not parse is refused, naming it.
 */
export function parseDiscoveryFilters(raw: readonly string[]): DiscoveryFilter[] {
  return raw.map(parseOne);
}

export function parseDiscoveryTypes(raw: readonly string[]): DiscoveryType[] {
  return raw.map((type) => {
    if (!(DISCOVERY_TYPES as readonly string[]).includes(type)) {
      throw invalid(`Unknown type '${type}': expected one of ${DISCOVERY_TYPES.join(', ')}`);
    }
    return type as DiscoveryType;
  });
}

function parseOne(text: string): DiscoveryFilter {
  const at = text.indexOf('=');
  if (at <= 0) throw invalid(`Facet '${text}' does not parse: expected <facet>=<value>, e.g. stage=Production`);
  const name = text.slice(0, at);
  const value = text.slice(at + 1);
  if (value === '') throw invalid(`Facet '${text}' has no value`);
  if (name === 'created' || name === 'updated') {
    const [min, max] = range(text, value, (end) => parseTime(text, end));
    return { kind: 'time', field: name === 'created' ? 'created_time' : 'updated_time', ...bounds(min, max) };
  }
  if (name === 'latency_budget_ms' || name.startsWith('metric.')) {
    const key = name === 'latency_budget_ms' ? LATENCY_BUDGET_KEY : name.slice('metric.'.length);
    if (key === '') throw invalid(`Facet '${text}' names no metric: expected metric.<key>=<min>..<max>`);
    const [min, max] = range(text, value, (end) => parseNumber(text, end));
    return { kind: 'number', key, ...bounds(min, max) };
  }
  if (name.startsWith('tag.')) {
    const key = name.slice('tag.'.length);
    if (key === '') throw invalid(`Facet '${text}' names no tag: expected tag.<key>=<value>`);
    return { kind: 'term', facet: 'tag', value: `${key}=${value}` };
  }
  if (!(TERM_FACETS as readonly string[]).includes(name)) {
    throw invalid(
      `Unknown facet '${name}' in '${text}': expected one of ${TERM_FACETS.join(', ')}, tag.<key>, created, updated, ` +
        'metric.<key>, latency_budget_ms',
    );
  }
  return { kind: 'term', facet: name as TermFacet, value };
}

function range<T>(text: string, value: string, parse: (end: string) => T): [T | undefined, T | undefined] {
  const parts = value.split('..');
  if (parts.length !== 2 || (parts[0] === '' && parts[1] === '')) {
    throw invalid(`Range facet '${text}' does not parse: expected <min>..<max> (either end may be left open)`);
  }
  const [low, high] = parts as [string, string];
  const min = low === '' ? undefined : parse(low);
  const max = high === '' ? undefined : parse(high);
  if (min !== undefined && max !== undefined && (min as number) > (max as number)) {
    throw invalid(`Range facet '${text}' is empty: its minimum is above its maximum`);
  }
  return [min, max];
}

function bounds(min: number | undefined, max: number | undefined): { min?: number; max?: number } {
  return { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
}

function parseNumber(text: string, end: string): number {
  const number = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(end) ? Number(end) : Number.NaN;
  if (!Number.isFinite(number)) throw invalid(`Range facet '${text}': '${end}' is not a number`);
  return number;
}

function parseTime(text: string, end: string): number {
  if (/^\d{1,15}$/.test(end)) return Number(end);
  const time = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(end) ? Date.parse(end) : Number.NaN;
  if (!Number.isFinite(time)) {
    throw invalid(`Range facet '${text}': '${end}' is neither a date (2026-01-31) nor epoch milliseconds`);
  }
  return time;
}

/** A facet value as the index compares it for completion: its words, normalised. */
export const facetValueKey = (value: string): string => normalizeWords(value);
