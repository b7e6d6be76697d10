import { isObject } from './id-map.js';

/** Values the server chooses on its own clock or in its own words: only their JSON type is compared. */
const UNCOMPARED_VALUES = new Set([
  'creation_time',
  'last_update_time',
  'creation_timestamp',
  'last_updated_timestamp',
  'creation_timestamp_ms',
  'last_updated_timestamp_ms',
  'next_page_token',
  'message',
]);

const typeOf = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** MLflow lists tags, params and files in insertion order; Mnemo sorts them. Order is not part of the contract. */
function sortKey(value: unknown): string {
  if (!isObject(value)) return JSON.stringify(value);
  for (const field of ['key', 'path', 'name']) if (typeof value[field] === 'string') return value[field] as string;
  return JSON.stringify(value);
}

/**
 * Differences between a recorded answer (ids already mapped) and Mnemo's: the same field names, the same JSON types,
 * and the same values except server clocks, page tokens and messages. Returns one line per difference.
 */
export function shapeDifferences(recorded: unknown, actual: unknown, at = '$', key?: string): string[] {
  if (typeOf(recorded) !== typeOf(actual)) {
    return [
      `${at}: expected ${typeOf(recorded)} ${JSON.stringify(recorded)}, got ${typeOf(actual)} ${JSON.stringify(actual)}`,
    ];
  }
  if (Array.isArray(recorded) && Array.isArray(actual)) {
    if (recorded.length !== actual.length) return [`${at}: expected ${recorded.length} items, got ${actual.length}`];
    const left = [...recorded].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    const right = [...actual].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    return left.flatMap((item, i) => shapeDifferences(item, right[i], `${at}[${i}]`, key));
  }
  if (isObject(recorded) && isObject(actual)) {
    const keys = new Set([...Object.keys(recorded), ...Object.keys(actual)]);
    return [...keys].flatMap((k) => {
      if (!(k in actual)) return [`${at}.${k}: missing`];
      if (!(k in recorded)) return [`${at}.${k}: not in the recording (${JSON.stringify(actual[k])})`];
      return shapeDifferences(recorded[k], actual[k], `${at}.${k}`, k);
    });
  }
  if (key && UNCOMPARED_VALUES.has(key)) return [];
  return recorded === actual ? [] : [`${at}: expected ${JSON.stringify(recorded)}, got ${JSON.stringify(actual)}`];
}
