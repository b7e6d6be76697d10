import type { RoleName } from './access-types.js';

/**
 * Which resources of one kind a list may show a principal: all of them, all but some (restricted ones it holds no
 * role on), or only some (those it holds a role on, when it has no default or global role).
 */
export type ReadableSet = { kind: 'all' } | { kind: 'allExcept'; ids: string[] } | { kind: 'only'; ids: string[] };

export interface ReadableSetFacts {
  isAdmin: boolean;
  /** Roles bound to the principal or its teams: per resource id, and global ones under `global`. */
  resourceRoles: ReadonlySet<string>;
  hasGlobalRole: boolean;
  defaultRole: RoleName | null;
  restrictedIds: readonly string[];
}

/** Every role covers reading, so any binding makes its resource readable. */
export function readableSet(facts: ReadableSetFacts): ReadableSet {
  if (facts.isAdmin) return { kind: 'all' };
  if (facts.hasGlobalRole || facts.defaultRole) {
    const hidden = facts.restrictedIds.filter((id) => !facts.resourceRoles.has(id));
    return hidden.length === 0 ? { kind: 'all' } : { kind: 'allExcept', ids: hidden };
  }
  return { kind: 'only', ids: [...facts.resourceRoles].sort() };
}

export function isReadable(set: ReadableSet, id: string): boolean {
  if (set.kind === 'all') return true;
  if (set.kind === 'allExcept') return !set.ids.includes(id);
  return set.ids.includes(id);
}
