import { isReadable, type ReadableSet } from '../access/readable-set.js';
import { invalid } from '../errors.js';

/** What may have owners besides a registered model (whose card names its owner team). */
export type OwnedKind = 'experiment' | 'dataset';

/**
 * A change of owners as a request states it: a name sets that owner, null clears it, an absent field keeps it, so
 * a team can be named without touching the user already set.
 */
export interface OwnerChange {
  user?: string | null;
  team?: string | null;
}

/** Owners by id, as stored; either may be unset. */
export interface OwnerIds {
  userId: string | null;
  teamId: string | null;
}

/** User and team names are principal names: at most this long. */
const MAX_NAME = 64;

/** The one string an owned entity is stored and audited under. */
export function ownerKey(kind: OwnedKind, entityId: string): string {
  return `${kind}:${entityId}`;
}

/** A change that says something, with names trimmed; a change naming neither owner is refused rather than ignored. */
export function checkOwnerChange(change: OwnerChange): OwnerChange {
  if (change.user === undefined && change.team === undefined) {
    throw invalid('Name an owner user or team to set (a name) or clear (null)');
  }
  const checked: OwnerChange = {};
  for (const field of ['user', 'team'] as const) {
    const value = change[field];
    if (value === undefined) continue;
    if (value === null) {
      checked[field] = null;
      continue;
    }
    const name = value.trim();
    if (name === '' || name.length > MAX_NAME) {
      throw invalid(`An owner ${field} is a name of 1 to ${MAX_NAME} characters, or null to clear it`);
    }
    checked[field] = name;
  }
  return checked;
}

/**
 * The owners after a change whose names were found as `resolved` ids: set fields replace, null fields clear, absent
 * fields keep what was there.
 */
export function applyOwnerChange(
  current: OwnerIds,
  change: OwnerChange,
  resolved: { userId?: string; teamId?: string },
): OwnerIds {
  const pick = (given: string | null | undefined, id: string | undefined, kept: string | null) =>
    given === undefined ? kept : given === null ? null : (id ?? null);
  return {
    userId: pick(change.user, resolved.userId, current.userId),
    teamId: pick(change.team, resolved.teamId, current.teamId),
  };
}

/** Nothing owned: the row goes rather than staying with two empty owners. */
export function isUnowned(owners: OwnerIds): boolean {
  return owners.userId === null && owners.teamId === null;
}

/**
 * The entities a list filtered by owner may show: those owned as asked that the caller may read anyway. Filtering
 * narrows what is readable and never widens it, so a filter cannot reveal an entity its reader could not list.
 */
export function ownedAndReadable(readable: ReadableSet, ownedIds: readonly string[]): ReadableSet {
  return { kind: 'only', ids: [...new Set(ownedIds)].filter((id) => isReadable(readable, id)).sort() };
}
