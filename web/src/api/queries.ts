import { QueryClient } from '@tanstack/react-query';

/**
 * The one cache of server data for the whole UI. Pages ask it by key, so two parts of a page that need the same
 * experiment share one request, and a page visited again shows what it had at once.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A failed request shows its error with a Retry button at once, as the views always did, instead of
      // retrying silently for seconds; a 4xx would not change on retry anyway.
      retry: false,
      // Data a page showed a moment ago is shown again without asking; past that it is shown and refreshed.
      staleTime: 30_000,
      refetchOnWindowFocus: false,
    },
  },
});

/** Cache keys, from the broad to the narrow, so a change can invalidate everything under an experiment or run. */
export const queryKeys = {
  experiment: (id: string) => ['experiment', id] as const,
  experimentKeys: (id: string) => ['experiment', id, 'keys'] as const,
  experimentRuns: (id: string) => ['experiment', id, 'runs'] as const,
  experimentDashboard: (id: string, metrics: string[], window: string, z: string) =>
    ['experiment', id, 'dashboard', metrics, window, z] as const,
  teamDashboard: (team: string, window: string, z: string) => ['team', team, 'dashboard', window, z] as const,
  runSearch: (id: string, filter: string, orderBy: string[], deleted = false) =>
    ['experiment', id, 'runs', filter, orderBy, ...(deleted ? ['deleted'] : [])] as const,
  run: (id: string) => ['run', id] as const,
  runLineage: (id: string, inputDigests: string[]) => ['run', id, 'lineage', inputDigests] as const,
  runArtifacts: (id: string, dir: string) => ['run', id, 'artifacts', dir] as const,
  runLoggedModels: (id: string, outputs: number) => ['run', id, 'logged-models', outputs] as const,
  runModelInputs: (id: string, modelIds: string[]) => ['run', id, 'model-inputs', modelIds] as const,
  /** Several runs read at once by id (a comparison); a change to any run makes all of them stale. */
  runsById: (ids: string[]) => ['runs', ids] as const,
  allRunsById: () => ['runs'] as const,
  experimentList: (filter: string) => ['experiments', filter] as const,
  runFinder: (experimentIds: string[], filter: string, limit: number) =>
    ['run-finder', experimentIds, filter, limit] as const,
  loggedModel: (id: string) => ['logged-model', id] as const,
  session: () => ['session'] as const,
  /** The caller's role on one experiment or registered model. */
  effectiveRole: (kind: 'experiment' | 'model' | 'dataset', id: string) => ['effective-role', kind, id] as const,
  users: () => ['access', 'users'] as const,
  teams: () => ['access', 'teams'] as const,
  tokens: (user: string) => ['access', 'tokens', user] as const,
  permissions: () => ['access', 'permissions'] as const,
  restrictions: () => ['access', 'restrictions'] as const,
  /** Everything about the caller's inbox: the list and the bell's count go stale together. */
  notifications: () => ['notifications'] as const,
  notificationList: (unreadOnly: boolean) => ['notifications', 'list', unreadOnly] as const,
  unreadNotifications: () => ['notifications', 'unread'] as const,
};
