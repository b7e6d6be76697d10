import {
  describeDifferences,
  describeMapDifferences,
  type ProblemLog,
} from '../../../domain/provenance/verification-report.js';
import type { KeyValue } from '../../../domain/tracking/entities.js';
import { toRunInfo } from '../../../store/repositories/run-repository.js';
import type { RunsTable } from '../../../store/schema.js';
import type { Executor } from '../../../store/store.js';
import { entityEvents, vanishedEntities } from './entity-events.js';
import { latestMetricProblems } from './latest-metric-check.js';
import { metricBatchProblems, type RecordedMetrics } from './metric-batch-check.js';

type Recorded = Map<string, { value: string; seq: number }>;

/** What the log says a run should look like now, rebuilt from its events in order. */
interface RunExpectation {
  snapshot?: { seq: number; info: Record<string, unknown>; tags?: KeyValue[] };
  params: Recorded;
  /** Tags written by batches after the latest snapshot. */
  laterTags: Recorded;
  metrics: RecordedMetrics;
  artifacts: Recorded;
  inputs: Recorded;
  events: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isKeyValues = (v: unknown): v is KeyValue[] =>
  Array.isArray(v) && v.every((e) => isObject(e) && typeof e.key === 'string' && typeof e.value === 'string');

/**
 * Each run as stored must match what its events recorded: its info and tags as of the latest snapshot (plus tags
 * batches wrote since), every param ever logged (params never change), its artifact files with their sha256, its
 * dataset inputs, and exactly the metric points its batches logged.
 */
export async function verifyRuns(db: Executor, problems: ProblemLog): Promise<number> {
  let checked = 0;
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('runs')
      .selectAll()
      .where('run_id', '>', after)
      .orderBy('run_id')
      .limit(100)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      checked += 1;
      await verifyRun(db, row, problems);
    }
    after = rows.at(-1)!.run_id;
  }
  for await (const gone of vanishedEntities(db, 'run', (ids) => existing(db, ids))) {
    problems.add({
      seq: gone.seq,
      kind: 'entity-missing',
      message: `run ${gone.entityId}, created by event ${gone.seq}, was deleted from the database`,
    });
  }
  return checked;
}

async function verifyRun(db: Executor, row: RunsTable, problems: ProblemLog): Promise<void> {
  const runId = row.run_id;
  const expected = await expectationOf(db, runId);
  const report = (seq: number | null, message: string) =>
    problems.add({
      seq,
      kind: seq === null ? 'entity-unrecorded' : 'entity-changed',
      message: `run ${runId}: ${message}`,
    });
  if (expected.events === 0) {
    problems.add({
      seq: null,
      kind: 'entity-unrecorded',
      message: `run ${runId} has no audit record: it was inserted directly`,
    });
    return;
  }
  const snapshot = expected.snapshot;
  if (snapshot) {
    const { tags: _tags, ...recordedInfo } = snapshot.info;
    const cascade = await experimentLifecycleAfter(db, row.experiment_id, snapshot.seq);
    if (cascade) recordedInfo.lifecycleStage = cascade;
    const current = toRunInfo(row) as unknown as Record<string, unknown>;
    const differences = describeDifferences(recordedInfo, current);
    if (differences.length > 0) report(snapshot.seq, `changed after event ${snapshot.seq}: ${differences.join('; ')}`);
    if (snapshot.tags) {
      const tags: Recorded = new Map(snapshot.tags.map((t) => [t.key, { value: t.value, seq: snapshot.seq }]));
      for (const [key, value] of expected.laterTags) tags.set(key, value);
      const current = await keyValues(db, 'run_tags', runId);
      for (const d of describeMapDifferences('tag', tags, current)) report(d.seq, d.message);
    }
  }
  for (const d of describeMapDifferences('param', expected.params, await keyValues(db, 'run_params', runId))) {
    report(d.seq, d.message);
  }
  const artifacts = await db
    .selectFrom('artifacts')
    .select(['path', 'size', 'sha256'])
    .where('run_id', '=', runId)
    .execute();
  const currentArtifacts = new Map(artifacts.map((a) => [a.path, `sha256 ${a.sha256}, ${a.size} bytes`]));
  for (const d of describeMapDifferences('artifact', expected.artifacts, currentArtifacts)) report(d.seq, d.message);
  const inputs = await db
    .selectFrom('run_inputs')
    .innerJoin('datasets', 'datasets.dataset_id', 'run_inputs.dataset_id')
    .select(['datasets.name', 'datasets.digest'])
    .where('run_inputs.run_id', '=', runId)
    .execute();
  const currentInputs = new Map(inputs.map((i) => [`${i.name}@${i.digest}`, 'linked']));
  for (const d of describeMapDifferences('dataset input', expected.inputs, currentInputs)) report(d.seq, d.message);
  for (const problem of await metricBatchProblems(db, runId, expected.metrics)) report(problem.seq, problem.message);
  for (const message of await latestMetricProblems(db, runId)) report(null, message);
}

async function expectationOf(db: Executor, runId: string): Promise<RunExpectation> {
  const expected: RunExpectation = {
    params: new Map(),
    laterTags: new Map(),
    metrics: { batches: new Map(), unbatchedPoints: 0 },
    artifacts: new Map(),
    inputs: new Map(),
    events: 0,
  };
  for await (const event of entityEvents(db, 'run', runId)) {
    expected.events += 1;
    const state = event.state;
    if (isObject(state) && typeof state.runId === 'string' && typeof state.lifecycleStage === 'string') {
      expected.snapshot = { seq: event.seq, info: state, tags: isKeyValues(state.tags) ? state.tags : undefined };
      expected.laterTags.clear();
    } else if (event.action === 'run.log_batch' && isObject(state)) {
      if (isKeyValues(state.params)) {
        for (const p of state.params)
          if (!expected.params.has(p.key)) expected.params.set(p.key, { value: p.value, seq: event.seq });
      }
      if (isKeyValues(state.tags))
        for (const t of state.tags) expected.laterTags.set(t.key, { value: t.value, seq: event.seq });
      recordBatchMetrics(expected.metrics, event.seq, state.metrics);
    } else if (event.action === 'artifact.upload' && isObject(state) && typeof state.path === 'string') {
      expected.artifacts.set(state.path, {
        value: `sha256 ${String(state.sha256)}, ${String(state.size)} bytes`,
        seq: event.seq,
      });
    } else if (event.action === 'artifact.delete' && isObject(state) && typeof state.path === 'string') {
      const prefix = state.path;
      for (const path of [...expected.artifacts.keys()]) {
        if (path === prefix || path.startsWith(`${prefix}/`)) expected.artifacts.delete(path);
      }
    } else if (event.action === 'run.log_inputs' && Array.isArray(state)) {
      for (const d of state as unknown[]) {
        if (isObject(d))
          expected.inputs.set(`${String(d.name)}@${String(d.digest)}`, { value: 'linked', seq: event.seq });
      }
    }
  }
  return expected;
}

/**
 * Current batch events name the batch id their rows carry and a digest of exactly those rows; older ones recorded the
 * points sent (as a list, or a count and digest of the request), which can be checked by count only.
 */
function recordBatchMetrics(recorded: RecordedMetrics, seq: number, metrics: unknown): void {
  if (isObject(metrics) && typeof metrics.batch === 'number' && typeof metrics.sha256 === 'string') {
    recorded.batches.set(metrics.batch, { seq, count: Number(metrics.count) || 0, sha256: metrics.sha256 });
  } else if (Array.isArray(metrics)) {
    recorded.unbatchedPoints += metrics.length;
  } else if (isObject(metrics)) {
    recorded.unbatchedPoints += Number(metrics.count) || 0;
  }
}

/** Deleting or restoring an experiment moves all its runs along without a run event; the latest such move wins. */
async function experimentLifecycleAfter(db: Executor, experimentId: string, seq: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('audit_events')
    .select('action')
    .where('entity_kind', '=', 'experiment')
    .where('entity_id', '=', experimentId)
    .where('action', 'in', ['experiment.delete', 'experiment.restore'])
    .where('seq', '>', seq)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return undefined;
  return row.action === 'experiment.delete' ? 'deleted' : 'active';
}

async function keyValues(db: Executor, table: 'run_params' | 'run_tags', runId: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom(table).select(['key', 'value']).where('run_id', '=', runId).execute();
  return new Map(rows.map((r) => [r.key, r.value]));
}

async function existing(db: Executor, ids: string[]): Promise<Set<string>> {
  const rows = await db.selectFrom('runs').select('run_id').where('run_id', 'in', ids).execute();
  return new Set(rows.map((r) => r.run_id));
}
