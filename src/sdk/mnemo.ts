import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { ActiveRun, type ParamValue } from './active-run.js';
import { recordCapture } from './capture/capture-upload.js';
import { captureRun } from './capture/run-capture.js';
import { MnemoApiError } from './errors.js';
import { type FetchFunction, HttpClient } from './http-client.js';
import { readMetric, readRun } from './reply-readers.js';
import { checkRetryOptions, type RetryOptions, retryFromEnvironment } from './retry-policy.js';
import type {
  ArtifactFile,
  Experiment,
  LoggedModel,
  Metric,
  Run,
  SearchExperimentsOptions,
  SearchRunsOptions,
} from './types.js';
import { apiPath, encodeArtifactPath, withQuery } from './url-path.js';
import type { WireExperimentDashboard, WireTeamDashboard } from './wire/dashboard-shapes.js';
import type { WireRunDiff } from './wire/run-diff-shapes.js';
import type { MetricHistory, WireMetric, WireRun } from './wire/shapes.js';

export interface MnemoOptions {
  /** Server root, e.g. http://127.0.0.1:5000. */
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  retry?: Partial<RetryOptions>;
  /** How often buffered metric points are sent while a run is active (default 2000 ms). */
  flushIntervalMs?: number;
  /** Points per batch request (default 5000, at most 10,000, the server's limit). */
  maxBatchPoints?: number;
  /** How long to wait for the answer to an API call before retrying it (default 120 s; file transfers are exempt). */
  requestTimeoutMs?: number;
  /** The fetch to use; Node's global fetch by default. */
  fetch?: FetchFunction;
}

export type StartRunOptions = ({ experimentId: string } | { experimentName: string }) & {
  runName?: string;
  tags?: Record<string, string>;
  params?: Record<string, ParamValue>;
  parentRunId?: string;
  /** Defaults to the operating system user. */
  userId?: string;
  /** When the run started, in milliseconds since the epoch (default: when the server creates it). */
  startTime?: number;
  /**
   * Record the script's code (git commit, branch, uncommitted diff as the artifact `code/diff.patch`), environment
   * (OS, Node, Python and pip packages, hardware; linked as an environment entity) and seed (`MNEMO_SEED`), as
   * `mnemo run` does. What the server refuses to register (environments need the edit role on the server) is
   * named in the tag `mnemo.capture.skipped` instead of failing the run.
   */
  capture?: boolean;
};

export const SERVER_MAX_BATCH_POINTS = 10_000;
const DEFAULT_BATCH_POINTS = 5000;
const DEFAULT_FLUSH_INTERVAL_MS = 2000;
/** Lets startRun find the run an earlier attempt created when only the answer was lost. */
const REQUEST_ID_TAG = 'mnemo.sdk.requestId';
const PARENT_RUN_TAG = 'mlflow.parentRunId';
const HISTORY_PAGE = 25_000;

type ExperimentReply = { experiment: Experiment };
type RunReply = { run: WireRun };
type RunsPage = { runs: WireRun[]; nextPageToken?: string };
type ExperimentsPage = { experiments: Experiment[]; nextPageToken?: string };

/** Client of a Mnemo server's native API (/api/v1). */
export class Mnemo {
  private readonly http: HttpClient;
  private readonly maxBatchPoints: number;
  private readonly flushIntervalMs: number;

  constructor(options: MnemoOptions) {
    const retry = checkRetryOptions({ ...retryFromEnvironment(), ...options.retry });
    this.maxBatchPoints = options.maxBatchPoints ?? DEFAULT_BATCH_POINTS;
    if (!Number.isInteger(this.maxBatchPoints) || this.maxBatchPoints < 1) {
      throw new RangeError(`maxBatchPoints must be a positive integer; got ${options.maxBatchPoints}`);
    }
    if (this.maxBatchPoints > SERVER_MAX_BATCH_POINTS) {
      throw new RangeError(`maxBatchPoints may be at most ${SERVER_MAX_BATCH_POINTS}, the server's batch limit`);
    }
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    if (!(this.flushIntervalMs > 0)) {
      throw new RangeError(`flushIntervalMs must be a positive number; got ${options.flushIntervalMs}`);
    }
    this.http = new HttpClient({
      url: options.url,
      token: options.token,
      retry,
      timeoutMs: options.requestTimeoutMs,
      fetch: options.fetch ?? fetch,
    });
  }

  /** The server root this client talks to. */
  get url(): string {
    return this.http.url;
  }

  async createExperiment(
    name: string,
    options: { artifactLocation?: string; tags?: Record<string, string> } = {},
  ): Promise<Experiment> {
    const reply = await this.http.request<ExperimentReply>('POST', '/experiments', {
      json: { name, ...options },
      // After a lost answer, an experiment of that name is the one the lost attempt created.
      recover: async () => {
        const experiment = await this.getExperimentByName(name);
        return experiment && { experiment };
      },
    });
    return reply.experiment;
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    return (await this.http.request<ExperimentReply>('GET', apiPath`/experiments/${experimentId}`)).experiment;
  }

  /** The experiment with this name, or undefined when there is none. */
  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    try {
      return (await this.http.request<ExperimentReply>('GET', apiPath`/experiments/by-name/${name}`)).experiment;
    } catch (error) {
      if (error instanceof MnemoApiError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') return undefined;
      throw error;
    }
  }

  /** Finds the experiment by name or creates it; two clients racing to create it both get the same one. */
  async getOrCreateExperiment(name: string, options: { tags?: Record<string, string> } = {}): Promise<Experiment> {
    const existing = await this.getExperimentByName(name);
    if (existing) return existing;
    try {
      return await this.createExperiment(name, options);
    } catch (error) {
      if (!(error instanceof MnemoApiError && error.errorCode === 'RESOURCE_ALREADY_EXISTS')) throw error;
      const created = await this.getExperimentByName(name);
      if (!created) throw error;
      return created;
    }
  }

  async searchExperiments(
    options: SearchExperimentsOptions = {},
  ): Promise<{ experiments: Experiment[]; nextPageToken?: string }> {
    return this.http.request<ExperimentsPage>('POST', '/experiments/search', { json: options });
  }

  /** Every experiment matching, page after page. */
  async *searchAllExperiments(options: Omit<SearchExperimentsOptions, 'pageToken'> = {}): AsyncGenerator<Experiment> {
    let pageToken: string | undefined;
    do {
      const page = await this.searchExperiments({ ...options, ...(pageToken ? { pageToken } : {}) });
      yield* page.experiments;
      pageToken = page.nextPageToken;
    } while (pageToken);
  }

  /** Creates a run (and, given a name, its experiment when missing), logs its params, and returns it for logging. */
  async startRun(options: StartRunOptions): Promise<ActiveRun> {
    const experimentId =
      'experimentId' in options
        ? options.experimentId
        : (await this.getOrCreateExperiment(options.experimentName)).experimentId;
    const capture = options.capture ? await captureRun() : undefined;
    let active: ActiveRun;
    try {
      active = await this.createRun(experimentId, options, capture?.tags ?? {});
      if (capture) await recordCapture(this.http, active, capture);
    } finally {
      await capture?.dispose();
    }
    if (options.params && Object.keys(options.params).length > 0) {
      try {
        await active.logParams(options.params);
      } catch (error) {
        // A run whose params were refused is of no use; end it rather than leave it RUNNING forever.
        await active.end('FAILED').catch(() => undefined);
        throw error;
      }
    }
    return active;
  }

  private async createRun(
    experimentId: string,
    options: StartRunOptions,
    capturedTags: Record<string, string>,
  ): Promise<ActiveRun> {
    const requestId = randomUUID();
    const body = {
      experimentId,
      userId: options.userId ?? currentUser(),
      // The parent tag is how MLflow's clients mark nesting; it makes child runs findable with a tag filter.
      tags: {
        ...capturedTags,
        ...options.tags,
        ...(options.parentRunId !== undefined ? { [PARENT_RUN_TAG]: options.parentRunId } : {}),
        [REQUEST_ID_TAG]: requestId,
      },
      ...(options.runName !== undefined ? { runName: options.runName } : {}),
      ...(options.parentRunId !== undefined ? { parentRunId: options.parentRunId } : {}),
      ...(options.startTime !== undefined ? { startTime: options.startTime } : {}),
    };
    const { run } = await this.http.request<RunReply>('POST', '/runs', {
      json: body,
      recover: () => this.findRunByRequestId(experimentId, requestId),
    });
    return new ActiveRun(this.http, readRun(run), {
      maxBatchPoints: this.maxBatchPoints,
      flushIntervalMs: this.flushIntervalMs,
    });
  }

  async getRun(runId: string): Promise<Run> {
    return readRun((await this.http.request<RunReply>('GET', apiPath`/runs/${runId}`)).run);
  }

  /** What differs between two runs: params, metrics (final and best), tags, code, environment and data. */
  async diffRuns(runIdA: string, runIdB: string): Promise<WireRunDiff> {
    return this.http.request<WireRunDiff>('GET', withQuery('/runs/diff', { a: runIdA, b: runIdB }));
  }

  /**
   * An experiment's dashboard: trends of `metrics` (default: the most-logged keys) across runs, runs whose value lies
   * beyond `z` robust z-scores of the `window` earlier finished runs, failed checks, completeness and runs per user.
   */
  async experimentDashboard(
    experimentId: string,
    options: { metrics?: string[]; window?: number; z?: number } = {},
  ): Promise<WireExperimentDashboard> {
    const path = withQuery(apiPath`/experiments/${experimentId}/dashboard`, {
      metrics: options.metrics?.join(','),
      window: options.window === undefined ? undefined : String(options.window),
      z: options.z === undefined ? undefined : String(options.z),
    });
    return this.http.request<WireExperimentDashboard>('GET', path);
  }
  /**
   * A team's dashboard: the same panels across the experiments the team manages and the models it owns, only those the
   * caller may read; anomalies are judged within each experiment.
   */
  async teamDashboard(
    team: string,
    options: { metrics?: string[]; window?: number; z?: number } = {},
  ): Promise<WireTeamDashboard> {
    const path = withQuery(apiPath`/teams/${team}/dashboard`, {
      metrics: options.metrics?.join(','),
      window: options.window === undefined ? undefined : String(options.window),
      z: options.z === undefined ? undefined : String(options.z),
    });
    return this.http.request<WireTeamDashboard>('GET', path);
  }

  /** An MLflow 3 LoggedModel, with its files and the registered versions made from it. */
  async getLoggedModel(modelId: string): Promise<LoggedModel> {
    return (await this.http.request<{ loggedModel: LoggedModel }>('GET', apiPath`/logged-models/${modelId}`))
      .loggedModel;
  }

  /** The LoggedModels a run produced. */
  async loggedModelsOfRun(runId: string): Promise<LoggedModel[]> {
    return (await this.http.request<{ loggedModels: LoggedModel[] }>('GET', apiPath`/runs/${runId}/logged-models`))
      .loggedModels;
  }

  async searchRuns(options: SearchRunsOptions): Promise<{ runs: Run[]; nextPageToken?: string }> {
    const page = await this.http.request<RunsPage>('POST', '/runs/search', { json: options });
    return { ...page, runs: page.runs.map(readRun) };
  }

  /** Every run matching, page after page: `for await (const run of mnemo.searchAllRuns({...}))`. */
  async *searchAllRuns(options: Omit<SearchRunsOptions, 'pageToken'>): AsyncGenerator<Run> {
    let pageToken: string | undefined;
    do {
      const page = await this.searchRuns({ ...options, ...(pageToken ? { pageToken } : {}) });
      yield* page.runs;
      pageToken = page.nextPageToken;
    } while (pageToken);
  }

  /**
   * A metric's points in step order: all of them, or with `points` a min/max-preserving sample of about that many
   * (for charts of long histories); `startStep` and `endStep` keep only the steps between them, both included.
   */
  async metricHistory(
    runId: string,
    key: string,
    options: { points?: number; startStep?: number; endStep?: number } = {},
  ): Promise<Metric[]> {
    const path = apiPath`/runs/${runId}/metric-history`;
    const range = { startStep: options.startStep, endStep: options.endStep };
    if (options.points !== undefined) {
      const sampled = await this.http.request<MetricHistory>(
        'GET',
        withQuery(path, { key, points: options.points, ...range }),
      );
      return sampled.metrics.map(readMetric);
    }
    const all: Metric[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.http.request<MetricHistory>(
        'GET',
        withQuery(path, { key, maxResults: HISTORY_PAGE, pageToken, ...range }),
      );
      all.push(...page.metrics.map(readMetric));
      pageToken = page.nextPageToken;
    } while (pageToken);
    return all;
  }

  async listArtifacts(runId: string, path?: string): Promise<ArtifactFile[]> {
    const reply = await this.http.request<{ files: ArtifactFile[] }>(
      'GET',
      withQuery(apiPath`/runs/${runId}/artifacts`, { path }),
    );
    return reply.files;
  }

  async downloadArtifact(runId: string, path: string): Promise<Uint8Array> {
    const file = `${apiPath`/runs/${runId}/artifacts`}/${encodeArtifactPath(path)}`;
    return this.http.request<Uint8Array>('GET', file, { binary: true });
  }

  private async findRunByRequestId(experimentId: string, requestId: string): Promise<RunReply | undefined> {
    const page = await this.http.request<RunsPage>('POST', '/runs/search', {
      json: {
        experimentIds: [experimentId],
        filter: `tags.${REQUEST_ID_TAG} = '${requestId}'`,
        viewType: 'ALL',
        maxResults: 1,
      },
    });
    const run = page.runs[0];
    return run ? { run } : undefined;
  }
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    // Some containers run as a uid without a passwd entry.
    return '';
  }
}
