import type {
  AccessUser,
  ArtifactFile,
  EffectiveRole,
  Experiment,
  ExperimentActivity,
  ExperimentKeys,
  LineageWalk,
  LoggedModel,
  MetricHistory,
  NotificationItem,
  Restriction,
  RoleBinding,
  Run,
  Session,
  StepRange,
  Team,
  TokenInfo,
  TokenScope,
} from './types.js';

/** A failed API call, carrying the server's `{error_code, message}` so views can show it as it was written. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const BASE = '/api/v1';
const CSRF_HEADER = 'x-mnemo-csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * The CSRF token of the browser's session, which every cookie-authenticated write must echo. It arrives with the
 * session (GET /auth/session, read once by the session query) or with a sign-in, and goes with a sign-out.
 */
let csrfToken: string | null = null;
const remember = (session: Session): Session => {
  csrfToken = session.csrfToken;
  return session;
};

/** Called when the server answers 401 to anything but the sign-in itself: the app sends the user to sign in. */
let onUnauthenticated: () => void = () => {};
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

export async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let response: Response;
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  if (csrfToken && !SAFE_METHODS.has(method)) headers[CSRF_HEADER] = csrfToken;
  try {
    response = await fetch(`${BASE}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'NETWORK_ERROR', 'Cannot reach the Mnemo server. Check that it is running and reload.');
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    if (response.status === 401 && path !== '/auth/login') onUnauthenticated();
    const error = parsed as { error_code?: string; message?: string } | undefined;
    throw new ApiError(
      response.status,
      error?.error_code ?? `HTTP_${response.status}`,
      error?.message ?? `The server answered ${response.status} ${response.statusText}`,
    );
  }
  if (parsed === undefined) throw new ApiError(response.status, 'BAD_RESPONSE', 'The server sent a non-JSON answer');
  return parsed as T;
}

/** Whom a role is granted to (a user or a team) and on what (an experiment, a registered model or everything). */
export type PermissionTarget = ({ user: string } | { team: string }) &
  ({ experiment: string } | { model: string } | { dataset: string } | { global: true });

/** What a restriction names: an experiment by id, a registered model by name, a dataset as `<namespace>:<name>`. */
export type RestrictionTarget = { experiment: string } | { model: string } | { dataset: string };

export interface RunSearch {
  experimentIds: string[];
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
  /** Which lifecycle stage to list: live runs (the default), deleted ones, or both. */
  viewType?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
}

const q = (value: string) => encodeURIComponent(value);

const path = (segments: string[]) => segments.map(encodeURIComponent).join('/');

export const api = {
  session: (signal?: AbortSignal) => request<Session>('GET', '/auth/session', undefined, signal).then(remember),
  login: (username: string, password: string) =>
    request<Session>('POST', '/auth/login', { username, password }).then(remember),
  logout: async () => {
    await request<unknown>('POST', '/auth/logout');
    csrfToken = null;
  },
  /** The caller's own role on an experiment, a registered model (by name) or a dataset (`<namespace>:<name>`). */
  effectiveRole: (resource: { experiment: string } | { model: string } | { dataset: string }, signal?: AbortSignal) =>
    request<EffectiveRole>(
      'GET',
      `/auth/permissions?${Object.entries(resource)
        .map(([kind, id]) => `${kind}=${q(id)}`)
        .join('&')}`,
      undefined,
      signal,
    ),
  users: (signal?: AbortSignal) => request<{ users: AccessUser[] }>('GET', '/users', undefined, signal),
  createUser: (body: { name: string; password?: string; displayName?: string; email?: string; admin?: boolean }) =>
    request<{ user: AccessUser }>('POST', '/users', body),
  setUserActive: (name: string, active: boolean) =>
    request<{ user: AccessUser }>('POST', `/users/${q(name)}/${active ? 'activate' : 'deactivate'}`),
  teams: (signal?: AbortSignal) => request<{ teams: Team[] }>('GET', '/teams', undefined, signal),
  createTeam: (name: string) => request<{ team: Team }>('POST', '/teams', { name }),
  addTeamMember: (team: string, user: string) => request<{ team: Team }>('POST', `/teams/${q(team)}/members`, { user }),
  removeTeamMember: (team: string, user: string) =>
    request<{ team: Team }>('DELETE', `/teams/${q(team)}/members/${q(user)}`),
  /** A user's tokens; the caller's own when no user is named. */
  tokens: (user: string | undefined, signal?: AbortSignal) =>
    request<{ tokens: TokenInfo[] }>('GET', `/tokens${user ? `?user=${q(user)}` : ''}`, undefined, signal),
  createToken: (body: { user?: string; name?: string; expiresIn?: string; scope?: TokenScope }) =>
    request<{ token: string; info: TokenInfo }>('POST', '/tokens', body),
  revokeToken: (id: string) => request<{ info: TokenInfo }>('DELETE', `/tokens/${q(id)}`),
  permissions: (signal?: AbortSignal) =>
    request<{ permissions: RoleBinding[] }>('GET', '/permissions', undefined, signal),
  grant: (body: PermissionTarget & { role: RoleBinding['role'] }) =>
    request<{ permission: RoleBinding }>('POST', '/permissions', body),
  revoke: (body: PermissionTarget) => request<unknown>('DELETE', '/permissions', body),
  restrictions: (signal?: AbortSignal) =>
    request<{ restrictions: Restriction[] }>('GET', '/restrictions', undefined, signal),
  restrict: (resource: RestrictionTarget, restricted: boolean) =>
    request<unknown>('PUT', '/restrictions', { ...resource, restricted }),
  searchExperiments: (
    body: {
      filter?: string;
      orderBy?: string[];
      maxResults?: number;
      pageToken?: string;
      viewType?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
      /** Only experiments this user (and/or this team) owns. */
      ownerUser?: string;
      ownerTeam?: string;
    },
    signal?: AbortSignal,
  ) => request<{ experiments: Experiment[]; nextPageToken?: string }>('POST', '/experiments/search', body, signal),
  createExperiment: (name: string) => request<{ experiment: Experiment }>('POST', '/experiments', { name }),
  renameExperiment: (id: string, name: string) =>
    request<{ experiment: Experiment }>('PATCH', `/experiments/${q(id)}`, { name }),
  deleteExperiment: (id: string) => request<{ experiment: Experiment }>('DELETE', `/experiments/${q(id)}`),
  restoreExperiment: (id: string) => request<{ experiment: Experiment }>('POST', `/experiments/${q(id)}/restore`),
  experiment: (id: string, signal?: AbortSignal) =>
    request<{ experiment: Experiment }>('GET', `/experiments/${encodeURIComponent(id)}`, undefined, signal),
  activity: (experimentIds: string[], signal?: AbortSignal) =>
    request<{ activity: ExperimentActivity[] }>('POST', '/experiments/activity', { experimentIds }, signal),
  keys: (id: string, signal?: AbortSignal) =>
    request<ExperimentKeys>('GET', `/experiments/${encodeURIComponent(id)}/keys`, undefined, signal),
  searchRuns: (body: RunSearch, signal?: AbortSignal) =>
    request<{ runs: Run[]; nextPageToken?: string }>('POST', '/runs/search', body, signal),
  run: (id: string, signal?: AbortSignal) =>
    request<{ run: Run }>('GET', `/runs/${encodeURIComponent(id)}`, undefined, signal),
  /** Up to 1,000 runs in one request; ids that match no run come back in `missing`. */
  runs: (runIds: string[], signal?: AbortSignal) =>
    request<{ runs: Run[]; missing: string[] }>('POST', '/runs/get', { runIds }, signal),
  renameRun: (runId: string, runName: string) => request<{ run: Run }>('PATCH', `/runs/${q(runId)}`, { runName }),
  deleteRun: (runId: string) => request<{ run: Run }>('DELETE', `/runs/${q(runId)}`),
  deleteTag: (runId: string, key: string) => request<unknown>('DELETE', `/runs/${q(runId)}/tags/${q(key)}`),
  restoreRun: (runId: string) => request<{ run: Run }>('POST', `/runs/${encodeURIComponent(runId)}/restore`),
  setTags: (runId: string, tags: Record<string, string>) =>
    request<unknown>('POST', `/runs/${encodeURIComponent(runId)}/batch`, { tags }),
  /** At most `points` points of a metric chosen to keep its extremes, over the whole history or only `steps`. */
  metricHistory: (runId: string, key: string, points: number, signal?: AbortSignal, steps?: StepRange) =>
    request<MetricHistory>(
      'GET',
      `/runs/${encodeURIComponent(runId)}/metric-history?key=${encodeURIComponent(key)}&points=${points}${
        steps ? `&startStep=${steps.startStep}&endStep=${steps.endStep}` : ''
      }`,
      undefined,
      signal,
    ),
  /** The nodes one step up- or downstream of a lineage node along the given edge types. */
  lineageNeighbours: (
    direction: 'upstream' | 'downstream',
    nodeId: string,
    edgeTypes: string[],
    signal?: AbortSignal,
  ) =>
    request<LineageWalk>(
      'GET',
      `/lineage/${direction}?nodeId=${encodeURIComponent(nodeId)}&depth=1&edgeTypes=${encodeURIComponent(edgeTypes.join(','))}`,
      undefined,
      signal,
    ),
  /** The live LoggedModels a run produced (logged as its outputs or naming it as their source run), oldest first. */
  runLoggedModels: (runId: string, signal?: AbortSignal) =>
    request<{ loggedModels: LoggedModel[] }>(
      'GET',
      `/runs/${encodeURIComponent(runId)}/logged-models`,
      undefined,
      signal,
    ),
  /** One LoggedModel with its top-level files and registered versions; a deleted or unknown one answers 404. */
  loggedModel: (modelId: string, signal?: AbortSignal) =>
    request<{ loggedModel: LoggedModel }>('GET', `/logged-models/${encodeURIComponent(modelId)}`, undefined, signal),
  /** The caller's notifications, newest first, with how many are unread. */
  notifications: (unreadOnly: boolean, signal?: AbortSignal) =>
    request<{ notifications: NotificationItem[]; unreadCount: number }>(
      'GET',
      `/notifications${unreadOnly ? '?unread=true' : ''}`,
      undefined,
      signal,
    ),
  unreadNotifications: (signal?: AbortSignal) =>
    request<{ unreadCount: number }>('GET', '/notifications/unread-count', undefined, signal),
  markNotificationsRead: (ids: string[] | 'all') =>
    request<{ marked: number; unreadCount: number }>(
      'POST',
      '/notifications/mark-read',
      ids === 'all' ? { all: true } : { ids },
    ),
  artifacts: (runId: string, dir: string, signal?: AbortSignal) =>
    request<{ rootUri: string; files: ArtifactFile[] }>(
      'GET',
      `/runs/${encodeURIComponent(runId)}/artifacts${dir ? `?path=${encodeURIComponent(dir)}` : ''}`,
      undefined,
      signal,
    ),
};

/** Where the browser downloads an artifact from (a plain link, so large files stream straight to disk). */
export const artifactUrl = (runId: string, file: string) =>
  `${BASE}/runs/${encodeURIComponent(runId)}/artifacts/${path(file.split('/'))}`;

const PROXY_SCHEME = 'mlflow-artifacts:/';

/**
 * Where the browser downloads a file of a LoggedModel from: MLflow's artifact proxy, under the folder its
 * `mlflow-artifacts:/` URI names. A model stored anywhere else has no proxy path, so no link (null).
 */
export const loggedModelFileUrl = (model: Pick<LoggedModel, 'artifactUri'>, file: string): string | null => {
  if (!model.artifactUri.startsWith(PROXY_SCHEME)) return null;
  const folder = model.artifactUri.slice(PROXY_SCHEME.length).split('/').filter(Boolean);
  return `/api/2.0/mlflow-artifacts/artifacts/${path([...folder, ...file.split('/')])}`;
};
