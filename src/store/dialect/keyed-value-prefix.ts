/**
 * How many leading characters of a run param or tag value PostgreSQL's (key, value) index holds: with a key of up
 * to 250 characters, at most 4 bytes each, an entry stays well under the 2,704 bytes a B-tree entry may take.
 */
export const KEYED_VALUE_PREFIX = 256;
