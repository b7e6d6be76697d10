import type { RoleName, TokenScope } from './access-types.js';

/**
 * What a request needs on a resource: `read` (see it), `edit` (log to it, change it), `manage` (delete it, grant
 * roles on it). MLflow's READ / EDIT / MANAGE permissions, under the names of the roles that carry them.
 */
export type Need = 'read' | 'edit' | 'manage';

export const ROLE_NAMES: readonly RoleName[] = ['reader', 'editor', 'manager'];

const RANK_OF_ROLE: Record<RoleName, number> = { reader: 1, editor: 2, manager: 3 };
const RANK_NEEDED: Record<Need, number> = { read: 1, edit: 2, manage: 3 };
/** The most a token of each scope may do, whatever its owner's roles; `admin` scope is also needed for admin work. */
const RANK_OF_SCOPE: Record<TokenScope, number> = { read: 1, write: 3, admin: 3 };

export function isRoleName(value: string): value is RoleName {
  return (ROLE_NAMES as readonly string[]).includes(value);
}

export function roleCovers(role: RoleName, need: Need): boolean {
  return RANK_OF_ROLE[role] >= RANK_NEEDED[need];
}

export function scopeCovers(scope: TokenScope | null, need: Need): boolean {
  return scope === null || RANK_OF_SCOPE[scope] >= RANK_NEEDED[need];
}

/** The strongest of several roles; undefined when there are none. */
export function strongestRole(roles: Iterable<RoleName>): RoleName | undefined {
  let best: RoleName | undefined;
  for (const role of roles) if (!best || RANK_OF_ROLE[role] > RANK_OF_ROLE[best]) best = role;
  return best;
}

/** The role that carries a need, for messages ("needs editor on experiment 3"). */
export function roleFor(need: Need): RoleName {
  return need === 'read' ? 'reader' : need === 'edit' ? 'editor' : 'manager';
}
