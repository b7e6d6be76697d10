import type { FastifyRequest } from 'fastify';
import type { ProtectedResource } from '../../domain/access/access-decision.js';
import type { Need } from '../../domain/access/roles.js';
import type { AccessPolicy } from '../../services/access/access-policy.js';

/**
 * Where a request's resource is: read from its parameters, query or body (after validation), and for runs and
 * logged models through the experiment they belong to. `missing` means the named thing does not exist: the
 * request goes on to the handler, which answers 404 as it would for anyone.
 */
export type ResourceLocator = (
  request: FastifyRequest,
  policy: AccessPolicy,
) => Promise<ProtectedResource | readonly ProtectedResource[] | 'missing'>;

/**
 * What a route needs, declared next to its definition in `config.access` and checked once, before the handler:
 * - `public`: anyone, signed in or not (health, metrics, the UI's static files, sign-in itself);
 * - `signedIn`: any authenticated principal; with `write`, its token must allow writes. Lists declared so show
 *   only what the caller may read (the handler asks `request.readable`);
 * - `admin`: server administrators only;
 * - `resource`: a role covering `need` on the located experiment or registered model;
 * - `selfOrAdmin`: the principal named by the request (`user`; itself when absent) or an admin;
 * - `allOf`: every one of several declarations (edit a registered model *and* read the run a version comes from).
 * A locator naming several resources (a search over several experiments) needs the role on each.
 */
export type RouteAccess =
  | { kind: 'public' }
  | { kind: 'signedIn'; write?: boolean }
  | { kind: 'admin' }
  | { kind: 'resource'; need: Need; locate: ResourceLocator }
  | {
      kind: 'selfOrAdmin';
      user: (request: FastifyRequest) => string | undefined | Promise<string | undefined>;
      write?: boolean;
    }
  | { kind: 'allOf'; parts: readonly RouteAccess[] };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Required on every route: a route without it makes the server refuse to start. */
    access?: RouteAccess;
  }
}

export const PUBLIC: RouteAccess = { kind: 'public' };
export const SIGNED_IN: RouteAccess = { kind: 'signedIn' };
/** Creating something new (an experiment, a registered model): any principal whose token allows writes. */
export const SIGNED_IN_WRITER: RouteAccess = { kind: 'signedIn', write: true };
export const ADMIN: RouteAccess = { kind: 'admin' };

export function needs(need: Need, locate: ResourceLocator): RouteAccess {
  return { kind: 'resource', need, locate };
}

export function allOf(...parts: RouteAccess[]): RouteAccess {
  return { kind: 'allOf', parts };
}

/** Wraps the access declaration in the route config shape: `{ config: access(...) }` reads well in a route. */
export function access(declared: RouteAccess): { access: RouteAccess } {
  return { access: declared };
}
