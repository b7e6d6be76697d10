import { type QueryClient, useQuery } from '@tanstack/react-query';
import type { Session } from '../../../src/sdk/wire/access-shapes.js';
import { api } from './client.js';
import { queryKeys } from './queries.js';
import type { RoleName } from './types.js';

/**
 * Who the browser is signed in as, read once and kept in the query cache (signing in or out replaces it). The
 * CSRF token it carries is what the API client sends with every write.
 */
export function useSession() {
  return useQuery({
    queryKey: queryKeys.session(),
    queryFn: ({ signal }) => api.session(signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** The signed-in user, or null on a server without authentication or before signing in. */
export function useCurrentUser(): Session['user'] {
  return useSession().data?.user ?? null;
}

export type Need = 'read' | 'edit' | 'manage';
const RANK: Record<RoleName, number> = { reader: 1, editor: 2, manager: 3 };
const NEEDED: Record<Need, number> = { read: 1, edit: 2, manage: 3 };
/** What the server's roles allow, as its access check has it: a stronger role carries every weaker one's rights. */
export const ROLE_FOR: Record<Need, RoleName> = { read: 'reader', edit: 'editor', manage: 'manager' };

export function roleAllows(role: RoleName | null, need: Need): boolean {
  return role !== null && RANK[role] >= NEEDED[need];
}

/**
 * The caller's role on one experiment, registered model or dataset (`<namespace>:<name>`), so a page offers only what the server would allow.
 * On a server without authentication everyone may do everything, and nothing is asked. Undefined while unknown.
 */
export function useEffectiveRole(
  kind: 'experiment' | 'model' | 'dataset',
  id: string | undefined,
): RoleName | null | undefined {
  const session = useSession().data;
  const authEnabled = session?.authEnabled ?? false;
  const role = useQuery({
    queryKey: queryKeys.effectiveRole(kind, id ?? ''),
    queryFn: ({ signal }) =>
      api.effectiveRole(
        { [kind]: id ?? '' } as { experiment: string } | { model: string } | { dataset: string },
        signal,
      ),
    enabled: authEnabled && Boolean(id),
  });
  if (!session) return undefined;
  if (!authEnabled) return 'manager';
  return role.data?.role;
}

/**
 * Records a sign-in or sign-out: everything else the cache holds was read as someone else and is dropped (the
 * session entry itself is updated in place, so the views watching it see the change at once).
 */
export function switchSession(client: QueryClient, session: (previous: Session | undefined) => Session | undefined) {
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== queryKeys.session()[0] });
  client.setQueryData<Session>(queryKeys.session(), session);
}
