import type { RoleName } from './access-types.js';
import type { Principal } from './principal.js';
import { type Need, roleCovers, roleFor, scopeCovers, strongestRole } from './roles.js';

/** A resource roles are bound to. Runs, logged models and versions are reached through their experiment or model. */
export type ProtectedResource =
  | { kind: 'experiment'; id: string }
  | { kind: 'model'; id: string; name: string }
  /** A lineage dataset (its versions are reached through it), named `<namespace>:<name>`. */
  | { kind: 'dataset'; id: string; name: string }
  | { kind: 'global' };

/** A role held by a user or one of its teams, on one resource or on all of them. */
export interface HeldRole {
  role: RoleName;
  /** True for a binding on every resource (`--global`); false for one on the resource itself. */
  global: boolean;
}

export interface AccessFacts {
  /** Roles the principal holds on the resource itself and globally. */
  held: readonly HeldRole[];
  /** The server-wide role of any signed-in principal on resources nobody restricted; null for `--default-role none`. */
  defaultRole: RoleName | null;
  /** A restricted resource is seen only through roles bound to it (or by admins): no default, no global role. */
  restricted: boolean;
}

export type AccessDecision = { allowed: true } | { allowed: false; reason: string };

/**
 * Whether a principal may do what a request needs on a resource: admins may do everything their token's scope
 * allows; others need a role covering the need, from a binding on the resource, a global binding or the default
 * role — the last two only when the resource is not restricted — and a token scope covering it too.
 */
export function decideAccess(
  principal: Principal,
  need: Need,
  resource: ProtectedResource,
  facts: AccessFacts,
): AccessDecision {
  if (!scopeCovers(principal.scope, need)) {
    return { allowed: false, reason: `the token's scope '${principal.scope}' does not allow ${need} access` };
  }
  if (principal.isAdmin) return { allowed: true };
  const role = effectiveRole(facts);
  if (role && roleCovers(role, need)) return { allowed: true };
  return {
    allowed: false,
    reason: `${describePrincipal(principal)} needs the ${roleFor(need)} role on ${describeResource(resource)}${role ? ` (has ${role})` : ''}`,
  };
}

/** The strongest role that applies, given restriction. */
export function effectiveRole(facts: AccessFacts): RoleName | undefined {
  const roles = facts.held.filter((held) => !facts.restricted || !held.global).map((held) => held.role);
  if (!facts.restricted && facts.defaultRole) roles.push(facts.defaultRole);
  return strongestRole(roles);
}

export function describeResource(resource: ProtectedResource): string {
  if (resource.kind === 'experiment') return `experiment ${resource.id}`;
  if (resource.kind === 'model') return `registered model '${resource.name}'`;
  if (resource.kind === 'dataset') return `dataset '${resource.name}'`;
  return 'the server (a global role)';
}

function describePrincipal(principal: Principal): string {
  return `${principal.kind === 'service' ? 'service account' : 'user'} '${principal.name}'`;
}
