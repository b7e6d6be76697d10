import { MnemoApiError, MnemoConnectionError } from './errors.js';

/** Typed access to Mnemo's lineage API: OpenLineage ingest, registration and graph questions. */

export type EdgeType = 'consumed' | 'produced' | 'derived_from' | 'depends_on' | 'deployed_to' | 'provides';

export interface LineageNode {
  id: string;
  kind: string;
  label: string;
  attributes: Record<string, unknown>;
  createdTime: number;
}

/** An edge as walks return it, stored upstream → downstream, with the run and the event that created it and when. */
export interface LineageEdge {
  from: string;
  to: string;
  type: EdgeType;
  runId: string | null;
  eventId: string | null;
  createdTime: number;
  attributes: Record<string, unknown>;
}

export interface PathStep {
  from: string;
  to: string;
  type: EdgeType;
  runId: string | null;
}

export interface ReachedNode extends LineageNode {
  depth: number;
  path: PathStep[];
}

export interface DepthReport {
  requested: number;
  applied: number;
  cap: number;
  capped: boolean;
}

export interface Walk {
  roots: LineageNode[];
  direction: 'upstream' | 'downstream';
  edgeTypes: EdgeType[];
  nodes: ReachedNode[];
  /** The edges between the walk's nodes, the roots included. */
  edges: LineageEdge[];
  depth: DepthReport;
  truncated: boolean;
}

export interface Impact {
  root: LineageNode;
  runs: ReachedNode[];
  modelVersions: ReachedNode[];
  models: { modelId: string; name: string | null; versions: string[] }[];
  datasetVersions: ReachedNode[];
  featureVersions: ReachedNode[];
  deployments: ReachedNode[];
  deploymentTargets: ReachedNode[];
  depth: DepthReport;
  truncated: boolean;
}

export interface LineagePath {
  found: boolean;
  from: string;
  to: string;
  length: number | null;
  nodes: string[];
  edges: PathStep[];
  depth: DepthReport;
}

export interface DatasetVersion {
  versionId: string;
  nodeId: string;
  datasetId: string;
  namespace: string;
  name: string;
  version: string;
  uri: string | null;
  digest: string | null;
  columns: { name: string; type: string | null; description: string | null }[] | null;
  rowCount: number | null;
  qualityChecks: { name: string; passed: boolean; column: string | null; value: number | null }[];
  facets: Record<string, unknown>;
  drift: { status: 'missing' | 'modified'; observedDigest: string | null; detectedTime: number } | null;
  createdTime: number;
}

/**
 * What every registration answers: the entity's `id`, its graph node `nodeId` (always `<kind>:<id>`), whether the
 * call `created` it, and the entity's details under one key named after it.
 */
export type Registration<K extends string, T> = {
  kind: string;
  id: string;
  nodeId: string;
  created: boolean;
} & Record<K, T>;

export interface FeatureVersion {
  featureVersionId: string;
  nodeId: string;
  featureId: string;
  name: string;
  version: string;
  pipeline: string | null;
  transformation: string | null;
  codeRefId: string | null;
  inputs: string[];
  createdTime: number;
}

export interface EnvironmentSpec {
  os: string;
  runtime: string;
  packages: Record<string, string>;
  hardware: Record<string, string | number>;
  containerImageDigest?: string | null;
}

export interface DeploymentTarget {
  targetId: string;
  nodeId: string;
  name: string;
  description: string | null;
  environmentId: string | null;
  createdTime: number;
}

export type DeploymentStatus = 'PENDING' | 'ACTIVE' | 'FAILED' | 'ROLLED_BACK' | 'RETIRED';

export interface Deployment {
  deploymentId: string;
  nodeId: string;
  modelVersionNodeId: string;
  targetId: string;
  status: DeploymentStatus;
  deployedTime: number;
  updatedTime: number;
}

export interface WalkOptions {
  depth?: number;
  edgeTypes?: EdgeType[];
}

export class LineageClient {
  private readonly baseUrl: string;

  constructor(
    trackingUri: string,
    private readonly fetchFn: typeof fetch = fetch,
    /** Sent as `Authorization: Bearer <token>` to a server that checks who calls it. */
    private readonly token?: string,
  ) {
    this.baseUrl = trackingUri.replace(/\/+$/, '');
  }

  /** Sends one OpenLineage RunEvent; the answer names the Mnemo run it was recorded on. */
  emit(event: Record<string, unknown>): Promise<{ olRunId: string; runId: string; experimentId: string }> {
    return this.request('POST', '/api/v1/lineage', undefined, event);
  }

  /** One node, by its id or a name (`model_version:<model name>/<n>`, Marquez's `dataset:<namespace>:<name>`, …). */
  async node(nodeId: string): Promise<LineageNode> {
    return (await this.request<{ node: LineageNode }>('GET', '/api/v1/lineage/nodes', { nodeId })).node;
  }

  /** Nodes of a kind and/or whose id or label contains `query` (ignoring case), newest first. */
  searchNodes(
    options: { kind?: string; query?: string; maxResults?: number } = {},
  ): Promise<{ nodes: LineageNode[]; truncated: boolean }> {
    return this.request('GET', '/api/v1/lineage/nodes/search', {
      ...(options.kind ? { kind: options.kind } : {}),
      ...(options.query ? { query: options.query } : {}),
      ...(options.maxResults ? { maxResults: String(options.maxResults) } : {}),
    });
  }

  /** A dataset's versions, oldest first: by namespace and name, or as one string `<namespace>:<name>`. */
  async datasetVersions(dataset: string | { namespace: string; name: string }): Promise<DatasetVersion[]> {
    const query = typeof dataset === 'string' ? { dataset } : dataset;
    return (await this.request<{ datasetVersions: DatasetVersion[] }>('GET', '/api/v1/lineage/dataset-versions', query))
      .datasetVersions;
  }

  upstream(nodeId: string, options: WalkOptions = {}): Promise<Walk> {
    return this.request('GET', '/api/v1/lineage/upstream', walkQuery(nodeId, options));
  }

  downstream(nodeId: string, options: WalkOptions = {}): Promise<Walk> {
    return this.request('GET', '/api/v1/lineage/downstream', walkQuery(nodeId, options));
  }

  impact(nodeId: string, options: WalkOptions = {}): Promise<Impact> {
    return this.request('GET', '/api/v1/lineage/impact', walkQuery(nodeId, options));
  }

  path(from: string, to: string, depth?: number): Promise<LineagePath> {
    return this.request('GET', '/api/v1/lineage/path', { from, to, ...(depth ? { depth: String(depth) } : {}) });
  }

  modelsTrainedOn(
    datasetVersionId: string,
    depth?: number,
  ): Promise<{ datasetVersion: LineageNode; modelVersions: ReachedNode[]; depth: DepthReport; truncated: boolean }> {
    const id = datasetVersionId.replace(/^dataset_version:/, '');
    return this.request(
      'GET',
      `/api/v1/lineage/dataset-versions/${encodeURIComponent(id)}/models`,
      depth ? { depth: String(depth) } : {},
    );
  }

  featureDependents(featureName: string, depth?: number): Promise<{ dependents: ReachedNode[]; depth: DepthReport }> {
    return this.request(
      'GET',
      `/api/v1/lineage/features/${encodeURIComponent(featureName)}/dependents`,
      depth ? { depth: String(depth) } : {},
    );
  }

  /** W3C PROV-JSON for a model version (model given by registry id or name). */
  provenance(model: string, version: number): Promise<Record<string, unknown>> {
    return this.request('GET', `/api/v1/lineage/model-versions/${encodeURIComponent(model)}/${version}/prov`);
  }

  completeness(
    model: string,
    version: number,
  ): Promise<{ score: number; missing: string[]; linked: Record<string, boolean> }> {
    return this.request('GET', `/api/v1/lineage/model-versions/${encodeURIComponent(model)}/${version}/completeness`);
  }

  registerDatasetVersion(input: {
    namespace: string;
    name: string;
    version: string;
    uri?: string;
    digest?: string;
    columns?: { name: string; type?: string }[];
    rowCount?: number;
    qualityChecks?: { name: string; passed: boolean; column?: string; value?: number }[];
    producedByRunId?: string;
  }): Promise<Registration<'datasetVersion', DatasetVersion>> {
    return this.request('POST', '/api/v1/lineage/dataset-versions', undefined, input);
  }

  /** A feature version computed from dataset versions (ids as registration answered them). */
  registerFeature(input: {
    name: string;
    version: string;
    description?: string;
    pipeline?: string;
    transformation?: string;
    codeRefId?: string;
    inputDatasetVersionIds: string[];
  }): Promise<Registration<'featureVersion', FeatureVersion>> {
    return this.request('POST', '/api/v1/lineage/features', undefined, input);
  }

  /** Environments are content-addressed: the same content answers the same id, with `created: false`. */
  registerEnvironment(input: EnvironmentSpec): Promise<Registration<'environment', EnvironmentSpec>> {
    return this.request('POST', '/api/v1/lineage/environments', undefined, input);
  }

  registerCodeRef(input: {
    repository: string;
    commit: string;
    dirtyDigest?: string;
  }): Promise<Registration<'codeRef', { repository: string; commit: string; dirtyDigest: string | null }>> {
    return this.request('POST', '/api/v1/lineage/code-refs', undefined, input);
  }

  /**
   * Registers the environment a run ran in and links it to the run in one call; needs only the right to write to the
   * run (registerEnvironment plus recordEdge need a role over lineage as a whole).
   */
  linkRunEnvironment(
    runId: string,
    input: EnvironmentSpec,
  ): Promise<Registration<'environment', EnvironmentSpec> & { edge: { from: string; to: string } }> {
    return this.request('POST', `/api/v1/runs/${encodeURIComponent(runId)}/environment`, undefined, input);
  }

  /** Registers the code a run ran and links it to the run in one call, as linkRunEnvironment does. */
  linkRunCodeRef(
    runId: string,
    input: { repository: string; commit: string; dirtyDigest?: string },
  ): Promise<
    Registration<'codeRef', { repository: string; commit: string; dirtyDigest: string | null }> & {
      edge: { from: string; to: string };
    }
  > {
    return this.request('POST', `/api/v1/runs/${encodeURIComponent(runId)}/code-ref`, undefined, input);
  }

  /**
   * Links a registered dataset version to a run as what it read (`input`: consumed) or wrote (`output`: produced).
   * Needs the right to write to the run and to read the dataset version, and no role over lineage as a whole.
   */
  linkRunDatasetVersion(
    runId: string,
    input: { versionId: string; role: 'input' | 'output' },
  ): Promise<{ edge: { from: string; to: string; type: EdgeType; runId: string | null } }> {
    return this.request('POST', `/api/v1/runs/${encodeURIComponent(runId)}/datasets`, undefined, input);
  }

  /** Records that `runId` re-ran `originRunId` (a derived_from edge); needs edit on the run and read on the original. */
  linkRunDerivedFrom(
    runId: string,
    originRunId: string,
  ): Promise<{ edge: { from: string; to: string; type: EdgeType; runId: string | null } }> {
    return this.request('POST', `/api/v1/runs/${encodeURIComponent(runId)}/derived-from`, undefined, { originRunId });
  }

  /** A place models are deployed to; an `environmentId` that is not registered is refused (404) and nothing kept. */
  registerDeploymentTarget(input: {
    name: string;
    description?: string;
    environmentId?: string;
  }): Promise<Registration<'deploymentTarget', DeploymentTarget>> {
    return this.request('POST', '/api/v1/lineage/deployment-targets', undefined, input);
  }

  /** A model version (model by name or registry id) deployed to a target. */
  recordDeployment(input: {
    modelId: string;
    version: number;
    targetId: string;
    status?: DeploymentStatus;
    deployedTime?: number;
  }): Promise<Registration<'deployment', Deployment>> {
    return this.request('POST', '/api/v1/lineage/deployments', undefined, input);
  }

  /** Declares what a registered model version (model by name or registry id) was trained with. */
  declareModelVersion(input: {
    modelId: string;
    version: number;
    runId?: string;
    featureVersionIds?: string[];
    environmentId?: string;
    codeRefId?: string;
  }): Promise<Registration<'modelVersion', { modelId: string; modelName: string; version: number }>> {
    return this.request('POST', '/api/v1/lineage/model-versions', undefined, input);
  }

  /** Links two existing nodes (a run joins the graph when first linked); linking the same pair again changes nothing. */
  recordEdge(input: {
    from: string;
    to: string;
    type: EdgeType;
    runId?: string;
  }): Promise<{ edge: { from: string; to: string; type: EdgeType; runId: string | null } }> {
    return this.request('POST', '/api/v1/lineage/edges', undefined, input);
  }

  private async request<T>(method: string, path: string, query?: Record<string, string>, body?: unknown): Promise<T> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, value);
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new MnemoConnectionError(
        `Could not reach Mnemo at ${this.baseUrl}: ${describeNetworkError(error)}`,
        1,
        error,
        this.baseUrl,
      );
    }
    const text = await response.text();
    const parsed: unknown = text === '' ? {} : JSON.parse(text);
    if (!response.ok) {
      const { error_code, message } = parsed as { error_code?: string; message?: string };
      throw new MnemoApiError(response.status, error_code ?? 'UNKNOWN', message ?? text);
    }
    return parsed as T;
  }
}

function walkQuery(nodeId: string, options: WalkOptions): Record<string, string> {
  return {
    nodeId,
    ...(options.depth ? { depth: String(options.depth) } : {}),
    ...(options.edgeTypes?.length ? { edgeTypes: options.edgeTypes.join(',') } : {}),
  };
}

/** fetch reports a refused connection as "fetch failed" with the reason in its cause. */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const detail = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
  return detail === '' ? error.message : `${error.message} (${detail})`;
}
