import { request } from './client.js';
import type { ExperimentDashboard, TeamDashboard } from './types.js';

export interface DashboardQuery {
  /** Metric keys to chart; empty for the experiment's most-logged keys. */
  metrics: string[];
  window?: number;
  z?: number;
}

/** An experiment's dashboard; the server computes every flag, so the UI shows what CI and webhooks see. */
export function experimentDashboard(
  experimentId: string,
  query: DashboardQuery,
  signal?: AbortSignal,
): Promise<ExperimentDashboard> {
  const params = new URLSearchParams();
  if (query.metrics.length > 0) params.set('metrics', query.metrics.join(','));
  if (query.window !== undefined) params.set('window', String(query.window));
  if (query.z !== undefined) params.set('z', String(query.z));
  const text = params.toString();
  return request<ExperimentDashboard>(
    'GET',
    `/experiments/${encodeURIComponent(experimentId)}/dashboard${text ? `?${text}` : ''}`,
    undefined,
    signal,
  );
}

/** A team's dashboard: the same panels across the experiments it manages and the models it owns. */
export function teamDashboard(team: string, query: DashboardQuery, signal?: AbortSignal): Promise<TeamDashboard> {
  const params = new URLSearchParams();
  if (query.metrics.length > 0) params.set('metrics', query.metrics.join(','));
  if (query.window !== undefined) params.set('window', String(query.window));
  if (query.z !== undefined) params.set('z', String(query.z));
  const text = params.toString();
  return request<TeamDashboard>(
    'GET',
    `/teams/${encodeURIComponent(team)}/dashboard${text ? `?${text}` : ''}`,
    undefined,
    signal,
  );
}
