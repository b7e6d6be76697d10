import { auditedValue, isSealedValue } from '../../domain/encryption/sealed-value.js';
import { invalid, invalidState, notFound } from '../../domain/errors.js';
import { type ColumnarSeries, columnarPoints } from '../../domain/metrics/columnar-batch.js';
import { canonicalBatch, METRIC_BATCH_ENCODING, metricBatchDigest } from '../../domain/metrics/metric-batch-digest.js';
import { parseMetricValue } from '../../domain/metrics/metric-value.js';
import type { AuditActionRecording } from '../../domain/provenance/audit-events/catalog.js';
import type { RunState } from '../../domain/provenance/audit-events/recorded-states.js';
import { parseOrderBy, parseRunFilter } from '../../domain/search/filter-parser.js';
import { decodePageToken, encodePageToken } from '../../domain/search/page-token.js';
import type {
  DatasetInput,
  KeyValue,
  Metric,
  Run,
  RunInfo,
  RunStatus,
  ViewType,
} from '../../domain/tracking/entities.js';
import { isTerminalStatus, RUN_STATUSES } from '../../domain/tracking/entities.js';
import { LIMITS, validateKey, validateLength } from '../../domain/tracking/limits.js';
import { checkLoggedModelId, type LoggedModelMetric } from '../../domain/tracking/logged-model.js';
import { runNameFrom } from '../../domain/tracking/run-name.js';
import { runDocument } from '../../domain/tracking/tracking-documents.js';
import type { RegistryEvent } from '../../domain/webhooks/registry-event.js';
import type { WireNumber } from '../../sdk/wire/non-finite.js';
import { linkRunInputs } from '../../store/repositories/dataset-repository.js';
import { findExperimentRow } from '../../store/repositories/experiment-repository.js';
import {
  preparePoints,
  storeMetricBatch,
  storeMetricBatchOfActiveRun,
} from '../../store/repositories/metric-repository.js';
import * as runs from '../../store/repositories/run-repository.js';
import type { RunsTable } from '../../store/schema.js';
import { searchRunRows } from '../../store/search/run-search-query.js';
import type { Executor } from '../../store/store.js';
import { SensitiveValues } from '../encryption/sensitive-values.js';
import { newBatchId, newId, newRunId } from '../ids.js';
import { recordRunInputs } from '../lineage/run-inputs-lineage.js';
import type { UpstreamChangeHandler } from '../lineage/upstream-changes.js';
import { currentContext } from '../request-context.js';
import type { ServiceDeps } from '../service-deps.js';
import type { WriteScope } from '../unit-of-work.js';
import { anomalyEventOf } from './finished-run-anomalies.js';

/** What runs are made with: besides the usual, where webhook events of finished runs are staged and announced. */
export type RunDeps = ServiceDeps & {
  stageEvents?: (scope: WriteScope, events: RegistryEvent[]) => Promise<void>;
  onCommitted?: (event: RegistryEvent) => void;
  /** Told when a logged input is a new version of a dataset models were trained on. */
  upstreamChanges?: UpstreamChangeHandler;
};

import { recordModelMetrics } from './logged-model-records.js';
import { judgeCompleteness } from './run-completeness.js';
import { enforceRules } from './tracking-rules.js';

export interface CreateRunInput {
  experimentId: string;
  runName?: string | undefined;
  userId?: string | undefined;
  startTime?: number | undefined;
  tags?: KeyValue[] | undefined;
  parentRunId?: string | undefined;
}

export interface UpdateRunInput {
  status?: RunStatus | undefined;
  endTime?: number | undefined;
  runName?: string | undefined;
}

export interface WireMetric {
  key: string;
  value: WireNumber;
  step?: number | undefined;
  timestamp?: number | undefined;
  /** MLflow 3: the LoggedModel the point measures, and the dataset it was measured on. */
  modelId?: string | undefined;
  datasetName?: string | undefined;
  datasetDigest?: string | undefined;
}

export interface LogBatchInput {
  metrics?: WireMetric[] | undefined;
  /** Points in the columnar shape (see columnar-batch.ts), stored like the row-shaped ones. */
  series?: readonly ColumnarSeries[] | undefined;
  params?: KeyValue[] | undefined;
  tags?: KeyValue[] | undefined;
}

export interface SearchRunsInput {
  experimentIds: string[];
  filter?: string | undefined;
  orderBy?: string[] | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
  viewType?: ViewType | undefined;
}

export const MAX_RUN_RESULTS = 50_000;
/** Runs one getMany may ask for: well beyond what a comparison can show, small enough to answer in one reply. */
export const MAX_RUNS_PER_GET = 1000;
const RUN_NAME_TAG = 'mlflow.runName';
const PARENT_RUN_TAG = 'mlflow.parentRunId';
const USER_TAG = 'mlflow.user';
const LOGGED_MODELS_TAG = 'mlflow.log-model.history';

/** Sealed values are opened only with keys; a server without any still reads and writes plain values. */
const PLAIN_ONLY = new SensitiveValues();

export class RunService {
  constructor(private readonly deps: RunDeps) {}

  private get sensitive(): SensitiveValues {
    return this.deps.sensitive ?? PLAIN_ONLY;
  }

  async create(input: CreateRunInput): Promise<Run> {
    // On a server that checks who calls it, a run is the caller's: the client's own claim (`mlflow.user`, the
    // native userId) could name anyone.
    const caller = currentContext().principalId === undefined ? undefined : currentContext().actor;
    const tags = validateTags(input.tags ?? []).map((tag) =>
      caller !== undefined && tag.key === USER_TAG ? { ...tag, value: caller } : tag,
    );
    const runName = input.runName || tags.find((t) => t.key === RUN_NAME_TAG)?.value || runNameFrom(Math.random);
    validateLength(runName, LIMITS.runNameLength, 'run name');
    const parentRunId = input.parentRunId ?? tags.find((t) => t.key === PARENT_RUN_TAG)?.value ?? null;
    const userId = caller ?? input.userId ?? tags.find((t) => t.key === USER_TAG)?.value ?? '';
    const startTime = input.startTime ?? this.deps.now();
    checkTime(startTime, 'start_time');
    const runId = newRunId();
    return this.deps.unitOfWork.write(async ({ db, audit }) => {
      const experiment = await findExperimentRow(db, input.experimentId);
      if (!experiment) throw notFound(`Could not find experiment with ID ${input.experimentId}`);
      if (experiment.lifecycle_stage !== 'active') {
        throw invalidState(`Cannot create a run in experiment ${input.experimentId}: it is deleted. Restore it first.`);
      }
      if (parentRunId !== null && !(await runs.findRunRow(db, parentRunId))) {
        throw notFound(`Parent run with id=${parentRunId} not found`);
      }
      const row: RunsTable = {
        run_id: runId,
        experiment_id: input.experimentId,
        run_name: runName,
        user_id: userId,
        status: 'RUNNING',
        start_time: startTime,
        end_time: null,
        lifecycle_stage: 'active',
        artifact_uri: `${experiment.artifact_location}/${runId}/artifacts`,
        parent_run_id: parentRunId,
        deleted_time: null,
      };
      await runs.insertRun(db, row);
      const withName = tags.filter((t) => t.key !== RUN_NAME_TAG).concat({ key: RUN_NAME_TAG, value: runName });
      const policy = await this.sensitive.policy(db, [input.experimentId]);
      await runs.upsertRunTags(db, runId, this.sensitive.seal(policy, runId, 'tag', withName));
      // The row is every column as inserted, so only what hangs off it (the tags just written) is read back.
      const [created] = await runs.hydrateRuns(db, [row]);
      const opened = this.sensitive.openRun(created!);
      await this.enforceRules(db, opened, { name: runName, tags: withName, experimentName: experiment.name });
      audit({ action: 'run.create', entityKind: 'run', entityId: runId, state: runSnapshot(created!) });
      return opened;
    });
  }

  async get(runId: string): Promise<Run> {
    return this.sensitive.openRun(await this.load(this.deps.store.db, runId));
  }

  /**
   * Several runs at once, in the order asked for (each once), deleted ones included as they are; ids that name no
   * run (mistyped, or removed for good) are listed as missing rather than failing the whole request.
   */
  async getMany(runIds: readonly string[]): Promise<{ runs: Run[]; missing: string[] }> {
    if (runIds.length > MAX_RUNS_PER_GET) {
      throw invalid(`At most ${MAX_RUNS_PER_GET} runs can be fetched at once; got ${runIds.length}`);
    }
    const unique = [...new Set(runIds)];
    const db = this.deps.store.db;
    const found = new Map((await runs.findRunRows(db, unique)).map((row) => [row.run_id, row]));
    const rows = unique.flatMap((id) => found.get(id) ?? []);
    const hydrated = await runs.hydrateRuns(db, rows);
    return { runs: hydrated.map((run) => this.sensitive.openRun(run)), missing: unique.filter((id) => !found.has(id)) };
  }

  async update(runId: string, input: UpdateRunInput): Promise<Run> {
    if (input.status !== undefined && !RUN_STATUSES.includes(input.status)) {
      throw invalid(`status must be one of ${RUN_STATUSES.join(', ')}; got '${input.status}'`);
    }
    if (input.endTime !== undefined) checkTime(input.endTime, 'end_time');
    if (input.runName !== undefined) validateLength(input.runName, LIMITS.runNameLength, 'run name');
    let wasTerminal = true;
    return this.mutate(
      runId,
      'run.update',
      async (db) => {
        const changes: Partial<Pick<RunsTable, 'status' | 'end_time' | 'run_name'>> = {};
        if (input.status !== undefined) {
          changes.status = input.status;
          const before = await runs.findRunRow(db, runId);
          wasTerminal = before === undefined || isTerminalStatus(before.status);
        }
        if (input.endTime !== undefined) changes.end_time = input.endTime;
        else if (input.status !== undefined && isTerminalStatus(input.status)) {
          // MLflow clients stamp the end when they terminate a run; a native client saying FINISHED means the same.
          const current = await runs.findRunRow(db, runId);
          if (current?.end_time == null) changes.end_time = this.deps.now();
        }
        if (input.runName) {
          changes.run_name = input.runName;
          await runs.upsertRunTags(db, runId, [{ key: RUN_NAME_TAG, value: input.runName }]);
        }
        if (Object.keys(changes).length > 0) await runs.updateRunRow(db, runId, changes);
        const updated = await this.loadOpened(db, runId);
        if (input.runName || input.status !== undefined) {
          await this.enforceRules(db, updated, { name: input.runName || undefined });
        }
        await judgeCompleteness(db, updated, this.deps.now());
      },
      {
        // A run that reaches a terminal status is announced once: setting FINISHED again is not a second finish.
        // A run that finishes outside its experiment's recent distribution is announced as an anomaly too.
        events: async (run, db) =>
          !wasTerminal && isTerminalStatus(run.info.status)
            ? [
                {
                  kind: 'run.finished',
                  runId,
                  experimentId: run.info.experimentId,
                  runName: run.info.runName || null,
                  status: run.info.status,
                  startTime: run.info.startTime,
                  endTime: run.info.endTime,
                },
                ...(run.info.status === 'FINISHED' ? await anomalyEventOf(db, run) : []),
              ]
            : [],
      },
    );
  }

  async delete(runId: string): Promise<Run> {
    return this.mutate(
      runId,
      'run.delete',
      async (db) => {
        await runs.updateRunRow(db, runId, { lifecycle_stage: 'deleted', deleted_time: this.deps.now() });
      },
      { allowDeleted: true },
    );
  }

  async restore(runId: string): Promise<Run> {
    return this.mutate(
      runId,
      'run.restore',
      async (db) => {
        await runs.updateRunRow(db, runId, { lifecycle_stage: 'active', deleted_time: null });
      },
      { allowDeleted: true },
    );
  }

  /**
   * Logs metrics, params and tags atomically: every item is validated before anything is written, and the whole
   * batch is one transaction, so a bad item leaves nothing of the batch behind.
   */
  async logBatch(runId: string, input: LogBatchInput): Promise<void> {
    const wireMetrics = input.metrics ?? [];
    const params = input.params ?? [];
    const tags = input.tags ?? [];
    if (wireMetrics.length > LIMITS.batchMetrics) {
      throw invalid(`A batch may hold at most ${LIMITS.batchMetrics} metrics; got ${wireMetrics.length}`);
    }
    const rowMetrics = this.toMetrics(wireMetrics);
    const series = input.series ?? [];
    const metrics =
      series.length === 0 ? rowMetrics : rowMetrics.concat(columnarPoints(series, rowMetrics.length, this.deps.now()));
    const modelMetrics = modelLinked(runId, wireMetrics, rowMetrics);
    if (params.length > LIMITS.batchParams) throw invalid(`A batch may hold at most ${LIMITS.batchParams} params`);
    if (tags.length > LIMITS.batchTags) throw invalid(`A batch may hold at most ${LIMITS.batchTags} tags`);
    params.forEach((p, i) => {
      validateKey(p.key, `params[${i}].key`);
      validateLength(p.value, LIMITS.paramValueLength, `params[${i}].value`);
    });
    validateTags(tags);
    const seen = new Map<string, string>();
    for (const p of params) {
      const earlier = seen.get(p.key);
      if (earlier !== undefined && earlier !== p.value) {
        throw invalid(`Duplicate param key '${p.key}' with different values in one batch`);
      }
      seen.set(p.key, p.value);
    }
    if (metrics.length + params.length + tags.length === 0) return;
    // Packed, summarised and digested before the transaction, which holds the write lock (see PreparedPoints).
    const prepared = preparePoints(canonicalBatch(metrics));
    const preparedDigest = metricBatchDigest(prepared.points);
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      const batch = newBatchId();
      // A batch of metrics only (what training loops send) needs nothing of the run before its points are stored,
      // so the run is read by the statement that stores them (see storeMetricBatchOfActiveRun).
      const metricsOnly = params.length + tags.length === 0 && modelMetrics.length === 0;
      const early = metricsOnly ? await storeMetricBatchOfActiveRun(db, runId, prepared, batch) : undefined;
      const run = early ? activeRow(runId, early.run) : await this.requireActive(db, runId);
      // Only params and tags can be sensitive: a metrics-only batch skips the lookup.
      const policy = params.length + tags.length > 0 ? await this.sensitive.policy(db, [run.experiment_id]) : undefined;
      const sealedTags = policy ? this.sensitive.seal(policy, runId, 'tag', tags) : [];
      let recordedParams: KeyValue[] = [];
      if (policy && params.length > 0) {
        const sealedParams = this.sensitive.seal(policy, runId, 'param', params);
        const existing = await runs.findParams(
          db,
          runId,
          params.map((p) => p.key),
        );
        for (const p of params) this.refuseChangedParam(runId, p, existing.get(p.key));
        await runs.insertParams(db, runId, sealedParams);
        // A concurrent request may have logged the same key between the check above and the insert, which then kept
        // the other value: what is stored now decides, so a different value is refused rather than silently dropped.
        const stored = await runs.findParams(
          db,
          runId,
          params.map((p) => p.key),
        );
        for (const p of params) this.refuseChangedParam(runId, p, stored.get(p.key));
        // The record names what is stored (a sealed value only as its digest), which for a param logged before is the
        // earlier value, not the one sealed just now.
        recordedParams = params.map((p) => ({ key: p.key, value: auditedValue(stored.get(p.key) ?? p.value) }));
      }
      // A retried batch adds only what is not there yet; the record must name exactly the points this batch wrote.
      let stored: readonly Metric[] = early?.stored ?? [];
      if (!early && metrics.length > 0) stored = await storeMetricBatch(db, runId, prepared, batch);
      if (tags.length > 0) await runs.upsertRunTags(db, runId, sealedTags);
      if (tags.length + params.length > 0) {
        await this.enforceRules(db, runId, { tags });
      }
      if (run.status === 'FINISHED') await judgeCompleteness(db, await this.loadOpened(db, runId), this.deps.now());
      if (modelMetrics.length > 0) await recordModelMetrics({ db, audit }, modelMetrics);
      audit({
        action: 'run.log_batch',
        entityKind: 'run',
        entityId: runId,
        // The points enter the record as a digest of their binary encoding: canonical JSON of 10,000 points cost
        // more than storing them, and the digest binds exactly the same points. The batch id is stored on each of
        // those rows, so a verifier can recompute the digest from the database.
        state: {
          metrics: {
            encoding: METRIC_BATCH_ENCODING,
            batch,
            count: stored.length,
            sha256: stored === prepared.points ? preparedDigest : metricBatchDigest(stored),
          },
          params: recordedParams,
          tags: auditedValues(sealedTags),
        },
      });
    });
  }

  async setTag(runId: string, tag: KeyValue): Promise<void> {
    validateTags([tag]);
    await this.mutate(runId, 'run.set_tag', async (db, run) => {
      const policy = await this.sensitive.policy(db, [run.experiment_id]);
      await runs.upsertRunTags(db, runId, this.sensitive.seal(policy, runId, 'tag', [tag]));
      const renamed = tag.key === RUN_NAME_TAG;
      if (renamed) await runs.updateRunRow(db, runId, { run_name: tag.value });
      await this.enforceRules(db, runId, { name: renamed ? tag.value : undefined, tags: [tag] });
      await this.judgeIfFinished(db, runId);
    });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.mutate(runId, 'run.delete_tag', async (db) => {
      if (!(await runs.deleteRunTag(db, runId, key))) {
        throw notFound(`No tag with name: ${key} in run with id ${runId}`);
      }
      await this.enforceRules(db, runId, {});
      await this.judgeIfFinished(db, runId);
    });
  }

  /**
   * Appends a logged model's description to the run's `mlflow.log-model.history` tag (a JSON array), as MLflow does.
   * The run row is locked while the history is read and rewritten, so models logged at once all end up in it.
   */
  async appendLoggedModel(runId: string, model: Record<string, unknown>): Promise<void> {
    await this.mutate(runId, 'run.log_model', async (db) => {
      // Holding the run row's lock while the history is read and rewritten makes concurrent appends queue up
      // instead of each overwriting the history the other read.
      await runs.lockRunRow(db, runId);
      const current = await runs.findRunTag(db, runId, LOGGED_MODELS_TAG);
      const history = current !== undefined ? parseModelHistory(current) : [];
      const tag = { key: LOGGED_MODELS_TAG, value: JSON.stringify([...history, model]) };
      validateTags([tag]);
      await runs.upsertRunTags(db, runId, [tag]);
    });
  }

  /** Returns the run as this write left it, read inside its transaction (nothing is read after the COMMIT). */
  async logInputs(runId: string, datasets: DatasetInput[]): Promise<Run> {
    datasets.forEach((d, i) => {
      if (!d.name) throw invalid(`datasets[${i}].name must not be empty`);
      if (!d.digest) throw invalid(`datasets[${i}].digest must not be empty`);
      validateLength(d.name, 500, `datasets[${i}].name`);
      validateLength(d.digest, 36, `datasets[${i}].digest`);
    });
    if (datasets.length === 0) return this.get(runId);
    return this.deps.unitOfWork.write(async (scope) => {
      const { db, audit } = scope;
      const row = await this.requireActive(db, runId);
      await linkRunInputs(db, row.experiment_id, runId, datasets, newId);
      // The lineage graph learns of the same inputs (dataset version —consumed→ run) in this transaction.
      await recordRunInputs(scope, runId, datasets, this.deps.now(), this.deps.upstreamChanges);
      audit({ action: 'run.log_inputs', entityKind: 'run', entityId: runId, state: datasets });
      const opened = await this.loadOpened(db, runId);
      if (row.status === 'FINISHED') await judgeCompleteness(db, opened, this.deps.now());
      return opened;
    });
  }

  async search(input: SearchRunsInput): Promise<{ runs: Run[]; nextPageToken?: string }> {
    const limit = input.maxResults ?? 1000;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RUN_RESULTS) {
      throw invalid(`max_results must be between 1 and ${MAX_RUN_RESULTS}; got ${input.maxResults}`);
    }
    const offset = decodePageToken(input.pageToken);
    const db = this.deps.store.db;
    const filter = parseRunFilter(input.filter);
    const orderBy = parseOrderBy(input.orderBy, 'run');
    await this.sensitive.refuseSearch(db, input.experimentIds, filter, orderBy);
    const rows = await searchRunRows(db, {
      experimentIds: input.experimentIds,
      filter,
      orderBy,
      viewType: input.viewType ?? 'ACTIVE_ONLY',
      offset,
      limit: limit + 1,
    });
    const page = await runs.hydrateRuns(db, rows.slice(0, limit));
    const result: { runs: Run[]; nextPageToken?: string } = { runs: page.map((run) => this.sensitive.openRun(run)) };
    if (rows.length > limit) result.nextPageToken = encodePageToken(offset + limit);
    return result;
  }

  /**
   * Validates wire metrics and fills in their defaults. It runs for every point of batches of 10,000, so each distinct
   * key is checked once, messages are built only for a point that fails, and a wire point that already is a complete
   * metric is used as it is rather than copied.
   */
  private toMetrics(wire: readonly WireMetric[]): Metric[] {
    const checkedKeys = new Set<string>();
    const now = this.deps.now();
    const metrics: Metric[] = new Array(wire.length);
    for (let i = 0; i < wire.length; i++) {
      const raw = wire[i]!;
      if (!checkedKeys.has(raw.key)) {
        validateKey(raw.key, `metrics[${i}].key`);
        checkedKeys.add(raw.key);
      }
      const value = typeof raw.value === 'number' ? raw.value : parseMetricValue(raw.value, `metrics[${i}].value`);
      const step = raw.step ?? 0;
      const timestamp = raw.timestamp ?? now;
      if (!Number.isSafeInteger(step)) throw invalid(`metrics[${i}].step must be an integer; got ${raw.step}`);
      if (!Number.isSafeInteger(timestamp) || timestamp < 0) checkTime(timestamp, `metrics[${i}].timestamp`);
      const complete = raw.value === value && raw.step === step && raw.timestamp === timestamp;
      metrics[i] = complete ? (raw as Metric) : { key: raw.key, value, step, timestamp };
    }
    return metrics;
  }

  /**
   * The server's rules for runs, checked on the run as this write leaves it: a name given follows the run naming
   * rule, tags set use their vocabularies, and the run's metadata document (see runDocument) conforms to the `run`
   * schema of its experiment (`run:<experiment name>`, else `run`). Until the run has FINISHED the schema's required
   * fields may still be missing; once it has, they must be there (finishing without them is refused).
   */
  private async enforceRules(
    db: Executor,
    target: string | Run,
    change: { name?: string | undefined; tags?: readonly KeyValue[] | undefined; experimentName?: string },
  ): Promise<void> {
    const runId = typeof target === 'string' ? target : target.info.runId;
    const row = typeof target === 'string' ? await runs.findRunRow(db, runId) : undefined;
    const experimentId = typeof target === 'string' ? row!.experiment_id : target.info.experimentId;
    const experimentName = change.experimentName ?? (await findExperimentRow(db, experimentId))?.name ?? '';
    const status = typeof target === 'string' ? row!.status : target.info.status;
    await enforceRules(db, {
      kind: 'run',
      what: `Run '${runId}'`,
      name: change.name,
      tags: change.tags,
      scope: experimentName,
      partial: status !== 'FINISHED',
      document: async () =>
        runDocument(typeof target === 'string' ? await this.loadOpened(db, runId) : target, experimentName),
    });
  }

  /** A finished run is judged again after each change: logging the missing seed makes it complete. */
  private async judgeIfFinished(db: Executor, runId: string): Promise<void> {
    const run = await this.loadOpened(db, runId);
    if (run.info.status === 'FINISHED') await judgeCompleteness(db, run, this.deps.now());
  }

  /** The run with its sensitive values opened: rules and requirements judge what was logged, not its sealed form. */
  private async loadOpened(db: Executor, runId: string): Promise<Run> {
    return this.sensitive.openRun(await this.load(db, runId));
  }

  private async requireActive(db: Executor, runId: string): Promise<RunsTable> {
    return activeRow(runId, await runs.findRunRow(db, runId));
  }

  private async mutate(
    runId: string,
    action: AuditActionRecording<'run', RunState>,
    change: (db: Executor, run: RunsTable) => Promise<void>,
    options: {
      allowDeleted?: boolean;
      events?: (run: Run, db: Executor) => RegistryEvent[] | Promise<RegistryEvent[]>;
    } = {},
  ): Promise<Run> {
    let announced: RegistryEvent[] = [];
    const run = await this.deps.unitOfWork.write(async (scope) => {
      const { db, audit } = scope;
      let row: RunsTable;
      if (options.allowDeleted) {
        const found = await runs.findRunRow(db, runId);
        if (!found) throw notFound(`Run with id=${runId} not found`);
        row = found;
      } else {
        row = await this.requireActive(db, runId);
      }
      await change(db, row);
      const updated = await this.load(db, runId);
      audit({ action, entityKind: 'run', entityId: runId, state: runSnapshot(updated) });
      const opened = this.sensitive.openRun(updated);
      announced = (await options.events?.(opened, db)) ?? [];
      if (announced.length > 0) await this.deps.stageEvents?.(scope, announced);
      return opened;
    });
    for (const event of announced) this.deps.onCommitted?.(event);
    return run;
  }

  /** Params never change: a different value for a logged key is refused (naming neither value when it is sealed). */
  private refuseChangedParam(runId: string, param: KeyValue, stored: string | undefined): void {
    if (stored === undefined) return;
    if (!isSealedValue(stored)) {
      if (stored !== param.value) throw changedParam(runId, param, stored);
      return;
    }
    if (this.sensitive.openValue(runId, 'param', { key: param.key, value: stored }) !== param.value) {
      throw invalid(
        `Changing param values is not allowed. Param with key='${param.key}' was already logged with a different ` +
          `value for run ID='${runId}' (the value is sensitive and not shown).`,
      );
    }
  }

  private async load(db: Executor, runId: string): Promise<Run> {
    const row = await runs.findRunRow(db, runId);
    if (!row) throw notFound(`Run with id=${runId} not found`);
    const [run] = await runs.hydrateRuns(db, [row]);
    return run!;
  }
}

/** The run's row if the run exists and is active; otherwise the error a write to it answers. */
function activeRow(runId: string, row: RunsTable | undefined): RunsTable {
  if (!row) throw notFound(`Run with id=${runId} not found`);
  if (row.lifecycle_stage !== 'active') {
    throw invalidState(`The run ${runId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`);
  }
  return row;
}

function validateTags(tags: KeyValue[]): KeyValue[] {
  tags.forEach((tag, i) => {
    validateKey(tag.key, `tags[${i}].key`);
    validateLength(tag.value, LIMITS.tagValueLength, `tags[${i}].value`);
  });
  return tags;
}

function changedParam(runId: string, param: KeyValue, old: string) {
  return invalid(
    `Changing param values is not allowed. Param with key='${param.key}' was already logged with ` +
      `value='${old}' for run ID='${runId}'. Attempted logging new value '${param.value}'.`,
  );
}

function parseModelHistory(value: string): unknown[] {
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed)) return parsed;
  } catch {
    // fall through: the tag was overwritten with something that is not a history
  }
  throw invalidState(`The run's ${LOGGED_MODELS_TAG} tag is not a JSON array; delete or fix it before logging models`);
}

function checkTime(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalid(`${field} must be milliseconds since the epoch (a non-negative integer); got ${value}`);
  }
}

/**
 * What run events other than batches record: the run's info and all its tags. Tags change through several actions
 * (set, delete, rename, logged models), so recording them whole lets `mnemo audit verify` compare every tag.
 */
/** The points of a batch that name a LoggedModel, as the model keeps them (checked like the rest of the batch). */
function modelLinked(runId: string, wire: readonly WireMetric[], metrics: readonly Metric[]) {
  const linked: (LoggedModelMetric & { modelId: string })[] = [];
  wire.forEach((raw, i) => {
    if (!raw.modelId) return;
    const metric = metrics[i]!;
    linked.push({
      modelId: checkLoggedModelId(raw.modelId),
      key: metric.key,
      value: metric.value,
      step: metric.step,
      timestamp: metric.timestamp,
      runId,
      datasetName: raw.datasetName || null,
      datasetDigest: raw.datasetDigest || null,
    });
  });
  return linked;
}

/** A run as the log records it: its stored tags, a sealed one as its digest. */
function runSnapshot(run: Run): RunState {
  return { ...run.info, tags: auditedValues(run.tags) };
}

const auditedValues = (values: readonly KeyValue[]): KeyValue[] =>
  values.map((entry) => ({ key: entry.key, value: auditedValue(entry.value) }));
