import { request } from './client.js';
import type {
  CheckResult,
  CompatibilityByTargetJson,
  DeclaredDependenciesJson,
  Evaluation,
  ModelCard,
  ModelVersion,
  RegisteredModel,
  StageTransition,
  VersionManifest,
  VersionStatusReport,
} from './types.js';

const q = encodeURIComponent;
const versionPath = (name: string, version: number) => `/registered-models/${q(name)}/versions/${version}`;

/** The model registry as the UI reads it: models, their versions and what is recorded about each version. */
export const registryApi = {
  /** Registered models whose name contains `text` (all when empty), newest first; at most 1,000. */
  models: (text: string, signal?: AbortSignal) => {
    const filter = text.trim() === '' ? undefined : `name ILIKE '%${text.trim().replaceAll("'", "''")}%'`;
    const query = new URLSearchParams({ maxResults: '1000', orderBy: 'last_updated_timestamp DESC' });
    if (filter) query.set('filter', filter);
    return request<{ registeredModels: RegisteredModel[] }>('GET', `/registered-models?${query}`, undefined, signal);
  },
  /** Every version the caller may read, across models (the list page's stages and versions), at most 1,000. */
  allVersions: (signal?: AbortSignal) =>
    request<{ modelVersions: ModelVersion[] }>('POST', '/model-versions/search', { maxResults: 1000 }, signal),
  model: (name: string, signal?: AbortSignal) =>
    request<{ registeredModel: RegisteredModel }>('GET', `/registered-models/${q(name)}`, undefined, signal),
  updateCard: (name: string, card: ModelCard) =>
    request<{ registeredModel: RegisteredModel }>('PATCH', `/registered-models/${q(name)}`, card),
  versions: (name: string, signal?: AbortSignal) =>
    request<{ modelVersions: ModelVersion[] }>('GET', `/registered-models/${q(name)}/versions`, undefined, signal),
  /**
   * Where versions stand (key metrics, completeness, revalidation, policies, approval): the newest 100, or the ones
   * named.
   */
  versionStatus: (name: string, versions: readonly number[] | undefined, signal?: AbortSignal) =>
    request<VersionStatusReport>(
      'GET',
      `/registered-models/${q(name)}/versions/status${versions ? `?versions=${versions.join(',')}` : ''}`,
      undefined,
      signal,
    ),
  version: (name: string, version: number, signal?: AbortSignal) =>
    request<{ modelVersion: ModelVersion }>('GET', versionPath(name, version), undefined, signal),
  history: (name: string, version: number, signal?: AbortSignal) =>
    request<{ transitions: StageTransition[] }>('GET', `${versionPath(name, version)}/history`, undefined, signal),
  manifest: (name: string, version: number, signal?: AbortSignal) =>
    request<VersionManifest>('GET', `${versionPath(name, version)}/manifest`, undefined, signal),
  evaluations: (name: string, version: number, signal?: AbortSignal) =>
    request<{ evaluations: Evaluation[] }>('GET', `${versionPath(name, version)}/evaluations`, undefined, signal),
  checks: (name: string, version: number, signal?: AbortSignal) =>
    request<{ checks: CheckResult[] }>('GET', `${versionPath(name, version)}/checks`, undefined, signal),
  dependencies: (name: string, version: number, signal?: AbortSignal) =>
    request<{ dependencies: DeclaredDependenciesJson }>(
      'GET',
      `${versionPath(name, version)}/dependencies`,
      undefined,
      signal,
    ),
  compatibility: (name: string, version: number, signal?: AbortSignal) =>
    request<CompatibilityByTargetJson>(
      'GET',
      `${versionPath(name, version)}/compatibility/all-targets`,
      undefined,
      signal,
    ),
};

/** Cache keys of registry data: everything of a model sits under `['model', name]`. */
export const registryKeys = {
  models: (text: string) => ['models', text] as const,
  allVersions: () => ['models', 'versions'] as const,
  model: (name: string) => ['model', name] as const,
  versions: (name: string) => ['model', name, 'versions'] as const,
  versionStatus: (name: string, versions?: readonly number[]) =>
    ['model', name, 'versions', 'status', versions?.join(',') ?? 'newest'] as const,
  version: (name: string, version: number) => ['model', name, 'version', version] as const,
  history: (name: string, version: number) => ['model', name, 'version', version, 'history'] as const,
  manifest: (name: string, version: number) => ['model', name, 'version', version, 'manifest'] as const,
  evaluations: (name: string, version: number) => ['model', name, 'version', version, 'evaluations'] as const,
  checks: (name: string, version: number) => ['model', name, 'version', version, 'checks'] as const,
  dependencies: (name: string, version: number) => ['model', name, 'version', version, 'dependencies'] as const,
  compatibility: (name: string, version: number) => ['model', name, 'version', version, 'compatibility'] as const,
};
