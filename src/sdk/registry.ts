import { ApprovalsClient, movedOrRequested, type TransitionRequest } from './approvals.js';
import { type FetchFunction, HttpClient } from './http-client.js';
import { type RetryOptions, retryFromEnvironment } from './retry-policy.js';
import { apiPath, withQuery } from './url-path.js';
import type {
  CheckResult,
  Evaluation,
  RevalidationFlag,
  VersionManifest,
  VersionStatusReport,
} from './wire/registry-shapes.js';

export type {
  CheckResult,
  Evaluation,
  LineagePathStep,
  ManifestFile,
  RevalidationFlag,
  StatusTarget,
  VersionManifest,
  VersionStatus,
  VersionStatusReport,
} from './wire/registry-shapes.js';

/** Typed client of Mnemo's model registry (`/api/v1/registered-models`, `/schemas`, governance endpoints). */

export type Stage = 'None' | 'Staging' | 'Production' | 'Archived';
export type CompatibilityMode =
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE'
  | 'NONE';

export interface SchemaRef {
  subject: string;
  version: number;
}

export interface ModelCard {
  description?: string | null;
  ownerTeam?: string | null;
  purpose?: string | null;
  algorithmFamily?: string | null;
  taskType?: string | null;
  intendedUse?: string | null;
  limitations?: string | null;
  latencyBudgetMs?: number | null;
  regulatoryFlags?: string[];
}

export interface RegisteredModel extends Required<ModelCard> {
  name: string;
  creationTime: number;
  lastUpdatedTime: number;
  tags: Record<string, string>;
  /** alias → version */
  aliases: Record<string, number>;
  metadata: Record<string, unknown>;
  metadataSchema: SchemaRef | null;
}

export interface ModelVersion {
  name: string;
  version: number;
  creationTime: number;
  lastUpdatedTime: number;
  userId: string;
  description: string | null;
  source: string;
  runId: string | null;
  status: string;
  statusMessage: string | null;
  stage: Stage;
  aliases: string[];
  tags: Record<string, string>;
  manifestDigest: string;
  fileCount: number;
  totalSize: number;
  /** Registered from a source that held no files: the version vouches for no bytes. */
  sourceWithoutFiles: boolean;
  /** The MLflow 3 LoggedModel the version was registered from, when it was. */
  loggedModelId: string | null;
  signature: { inputs: unknown; outputs: unknown } | null;
  releaseNotes: string | null;
  deprecation: { deprecatedBy: number | null; sunsetTime: number | null };
  metadata: Record<string, unknown>;
  metadataSchema: SchemaRef | null;
  /** Present when one version is read (getVersion): whether it must be revalidated, and its open flags. */
  needsRevalidation?: boolean;
  revalidationFlags?: RevalidationFlag[];
}

export interface StageTransition {
  name: string;
  version: number;
  fromStage: Stage | null;
  toStage: Stage;
  actor: string;
  reason: string | null;
  time: number;
  /** The transition request the change completed, when the stage is protected, and who approved it. */
  requestId?: string;
  approvedBy?: string[];
}

export interface MetadataSchema {
  subject: string;
  version: number;
  schema: unknown;
  schemaDigest: string;
  creationTime: number;
}

export interface SchemaSubject {
  subject: string;
  compatibility: CompatibilityMode;
  latestVersion: number;
  creationTime: number;
  lastUpdatedTime: number;
}

export interface CompatibilityReport {
  subject: string;
  mode: CompatibilityMode;
  compatible: boolean;
  problems: { version: number; direction: 'backward' | 'forward'; reason: string }[];
}

export interface CreateModelOptions extends ModelCard {
  tags?: Record<string, string>;
  metadata?: Record<string, unknown>;
  metadataSchemaVersion?: number;
}

export interface CreateVersionOptions {
  /** `mlflow-artifacts:/<path>` or `runs:/<run id>/<path>`: the server hashes every file under it. */
  source: string;
  runId?: string;
  description?: string;
  tags?: Record<string, string>;
  signature?: { inputs: unknown; outputs: unknown };
  releaseNotes?: string;
  metadata?: Record<string, unknown>;
  metadataSchemaVersion?: number;
}

export interface SearchOptions {
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
}

export interface RegistryClientOptions {
  /** Server root, e.g. http://127.0.0.1:5000. */
  url: string;
  token?: string;
  retry?: Partial<RetryOptions>;
  fetch?: FetchFunction;
}

/**
 * Reads are retried on network failures and server faults; creations (POST) are sent once, because repeating a
 * registration whose answer was lost would register a second version.
 */
export class RegistryClient {
  private readonly reads: HttpClient;
  private readonly writes: HttpClient;

  constructor(options: RegistryClientOptions) {
    const retry = { ...retryFromEnvironment(), ...options.retry };
    const common = { url: options.url, token: options.token, fetch: options.fetch ?? fetch };
    this.reads = new HttpClient({ ...common, retry });
    this.writes = new HttpClient({ ...common, retry: { ...retry, attempts: 1 } });
    this.approvals = new ApprovalsClient(this.reads, this.writes);
  }

  /** Protected transitions: protection rules and transition requests. */
  readonly approvals: ApprovalsClient;

  async createModel(name: string, options: CreateModelOptions = {}): Promise<RegisteredModel> {
    const body = await this.writes.request<{ registeredModel: RegisteredModel }>('POST', '/registered-models', {
      json: { name, ...options },
    });
    return body.registeredModel;
  }

  async getModel(name: string): Promise<RegisteredModel> {
    return (await this.reads.request<{ registeredModel: RegisteredModel }>('GET', apiPath`/registered-models/${name}`))
      .registeredModel;
  }

  async updateModel(
    name: string,
    changes: ModelCard & { metadata?: Record<string, unknown>; metadataSchemaVersion?: number },
  ): Promise<RegisteredModel> {
    const body = await this.reads.request<{ registeredModel: RegisteredModel }>(
      'PATCH',
      apiPath`/registered-models/${name}`,
      { json: changes },
    );
    return body.registeredModel;
  }

  async searchModels(
    options: SearchOptions = {},
  ): Promise<{ registeredModels: RegisteredModel[]; nextPageToken?: string }> {
    return this.reads.request('POST', '/registered-models/search', { json: options });
  }

  async deleteModel(name: string): Promise<void> {
    await this.reads.request('DELETE', apiPath`/registered-models/${name}`);
  }

  async createVersion(name: string, options: CreateVersionOptions): Promise<ModelVersion> {
    const body = await this.writes.request<{ modelVersion: ModelVersion }>(
      'POST',
      apiPath`/registered-models/${name}/versions`,
      { json: options },
    );
    return body.modelVersion;
  }

  async getVersion(name: string, version: number): Promise<ModelVersion> {
    return (
      await this.reads.request<{ modelVersion: ModelVersion }>(
        'GET',
        apiPath`/registered-models/${name}/versions/${version}`,
      )
    ).modelVersion;
  }

  async listVersions(name: string): Promise<ModelVersion[]> {
    return (
      await this.reads.request<{ modelVersions: ModelVersion[] }>('GET', apiPath`/registered-models/${name}/versions`)
    ).modelVersions;
  }

  async transition(
    name: string,
    version: number,
    stage: Stage,
    /** `override`: an administrator's break-glass past failed policies, recorded with its reason. */
    options: { archiveExistingVersions?: boolean; reason?: string; override?: { reason: string } } = {},
  ): Promise<ModelVersion> {
    // A protected stage answers with the transition request made instead: TransitionRequestedError.
    const body = await this.writes.request<{ modelVersion?: ModelVersion; transitionRequest?: TransitionRequest }>(
      'POST',
      apiPath`/registered-models/${name}/versions/${version}/stage`,
      { json: { stage, ...options } },
    );
    return movedOrRequested(body);
  }

  async history(name: string, version: number): Promise<StageTransition[]> {
    return (
      await this.reads.request<{ transitions: StageTransition[] }>(
        'GET',
        apiPath`/registered-models/${name}/versions/${version}/history`,
      )
    ).transitions;
  }

  /** The files a version vouches for, each with its SHA-256. */
  async manifest(name: string, version: number): Promise<VersionManifest> {
    return this.reads.request<VersionManifest>('GET', apiPath`/registered-models/${name}/versions/${version}/manifest`);
  }

  /** Evaluation results of a version, per metric and data slice. */
  async evaluations(name: string, version: number): Promise<Evaluation[]> {
    const path = apiPath`/registered-models/${name}/versions/${version}/evaluations`;
    return (await this.reads.request<{ evaluations: Evaluation[] }>('GET', path)).evaluations;
  }

  /** Revalidation flags of the models the caller may read, newest first: open ones unless `includeCleared`. */
  async revalidations(
    options: { model?: string; includeCleared?: boolean; maxResults?: number } = {},
  ): Promise<RevalidationFlag[]> {
    const path = withQuery('/revalidations', {
      model: options.model,
      includeCleared: options.includeCleared ? 'true' : undefined,
      maxResults: options.maxResults === undefined ? undefined : String(options.maxResults),
    });
    return (await this.reads.request<{ revalidations: RevalidationFlag[] }>('GET', path)).revalidations;
  }

  /**
   * Where each version of a model stands: its source run's key metrics, metadata completeness, revalidation flags,
   * the verdict of the policies on each protected stage and alias, and its approval state. The named `versions` (at
   * most 100), or a page of the newest (`maxResults`, up to 100, and the previous page's `nextPageToken`).
   */
  async versionStatus(
    name: string,
    options: { versions?: readonly number[]; maxResults?: number; pageToken?: string } = {},
  ): Promise<VersionStatusReport> {
    const path = withQuery(apiPath`/registered-models/${name}/versions/status`, {
      versions: options.versions === undefined ? undefined : options.versions.join(','),
      maxResults: options.maxResults === undefined ? undefined : String(options.maxResults),
      pageToken: options.pageToken,
    });
    return this.reads.request<VersionStatusReport>('GET', path);
  }

  /** Clears every open revalidation flag of a version (a manager's decision, with a reason that is audited). */
  async clearRevalidation(name: string, version: number, reason: string): Promise<RevalidationFlag[]> {
    const path = apiPath`/registered-models/${name}/versions/${version}/revalidation/clear`;
    return (await this.writes.request<{ cleared: RevalidationFlag[] }>('POST', path, { json: { reason } })).cleared;
  }

  /** Fairness and drift checks recorded on a version. */
  async checks(name: string, version: number): Promise<CheckResult[]> {
    const path = apiPath`/registered-models/${name}/versions/${version}/checks`;
    return (await this.reads.request<{ checks: CheckResult[] }>('GET', path)).checks;
  }

  async latestVersions(name: string, stages: Stage[] = []): Promise<ModelVersion[]> {
    const path = withQuery(apiPath`/registered-models/${name}/latest-versions`, {
      stages: stages.length === 0 ? undefined : stages.join(','),
    });
    return (await this.reads.request<{ modelVersions: ModelVersion[] }>('GET', path)).modelVersions;
  }

  async setAlias(
    name: string,
    alias: string,
    version: number,
    options: { override?: { reason: string } } = {},
  ): Promise<ModelVersion> {
    return movedOrRequested(
      await this.reads.request<{ modelVersion?: ModelVersion; transitionRequest?: TransitionRequest }>(
        'PUT',
        apiPath`/registered-models/${name}/aliases/${alias}`,
        { json: { version, ...options } },
      ),
    );
  }

  async getByAlias(name: string, alias: string): Promise<ModelVersion> {
    return (
      await this.reads.request<{ modelVersion: ModelVersion }>(
        'GET',
        apiPath`/registered-models/${name}/aliases/${alias}`,
      )
    ).modelVersion;
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.reads.request('DELETE', apiPath`/registered-models/${name}/aliases/${alias}`);
  }

  async listSubjects(): Promise<SchemaSubject[]> {
    return (await this.reads.request<{ subjects: SchemaSubject[] }>('GET', '/schemas')).subjects;
  }

  /** Registers a schema version; an identical schema returns the existing version. */
  async registerSchema(subject: string, schema: unknown, compatibility?: CompatibilityMode): Promise<MetadataSchema> {
    return this.writes.request('POST', apiPath`/schemas/${subject}/versions`, {
      json: compatibility === undefined ? { schema } : { schema, compatibility },
    });
  }

  async getSchema(subject: string, version: number | 'latest' = 'latest'): Promise<MetadataSchema> {
    return this.reads.request('GET', apiPath`/schemas/${subject}/versions/${version}`);
  }

  async checkSchema(subject: string, schema: unknown): Promise<CompatibilityReport> {
    return this.reads.request('POST', apiPath`/schemas/${subject}/compatibility`, { json: { schema } });
  }
}
