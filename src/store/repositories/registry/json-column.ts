import { canonicalJson } from '../../../domain/provenance/canonical-json.js';

/** JSON columns are written as canonical JSON so equal values are equal text on every database. */
export const toJsonColumn = (value: unknown): string => canonicalJson(value);

export function fromJsonColumn<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  return JSON.parse(text) as T;
}
