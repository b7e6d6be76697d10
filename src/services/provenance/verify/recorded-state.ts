import { canonicalJson } from '../../../domain/provenance/canonical-json.js';

/** A value recorded by an event, with the event that recorded it. */
export interface Recorded<T> {
  seq: number;
  value: T;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A recorded time, or undefined when the event predates recording it. */
export const recordedTime = (state: unknown, field: string): number | undefined =>
  isObject(state) && typeof state[field] === 'number' ? state[field] : undefined;

/**
 * An entity as plain data without the named fields, passed through canonical JSON so that the key order inside
 * nested values (metadata, signatures) never counts as a difference: recorded states were parsed from canonical
 * JSON, entities built from rows were not.
 */
export function comparable(entity: object, without: readonly string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...(entity as Record<string, unknown>) };
  for (const field of without) delete copy[field];
  return JSON.parse(canonicalJson(copy)) as Record<string, unknown>;
}
