import { auditedValue, isSealedValue } from '../../../domain/encryption/sealed-value.js';
import {
  emptyRunExpectation,
  foldRunEvent,
  type RecordedValues,
  type RunExpectation,
} from '../../../domain/provenance/run-expectation.js';
import type { RunExpectations } from '../../../domain/provenance/run-expectations.js';
import {
  describeDifferences,
  describeMapDifferences,
  type ProblemLog,
} from '../../../domain/provenance/verification-report.js';
import { presentKeys, rowsAfterKey } from '../../../store/readers/keyed-table-pages.js';
import {
  experimentLifecycleEvents,
  runChildrenOfPage,
  type StoredRunChildren,
} from '../../../store/repositories/provenance/run-children-of-page.js';
import { toRunInfo } from '../../../store/repositories/run-repository.js';
import type { RunsTable } from '../../../store/schema.js';
import type { Executor } from '../../../store/store.js';
import { entityEvents, presentOrPurged, vanishedEntities } from './entity-events.js';
import { LatestPointCheck } from './latest-metric-check.js';
import { metricBatchProblems } from './metric-batch-check.js';

/**
 * Each run as stored must match what its events recorded: its info and tags as of the latest snapshot (plus tags
 * batches wrote since), every param ever logged (params never change), its artifact files with their sha256, its
 * dataset inputs, and exactly the metric points its batches logged. `gathered` holds the runs' expectations when the
 * log walk could gather them all; otherwise each run's are rebuilt from its own events.
 */
export async function verifyRuns(db: Executor, problems: ProblemLog, gathered?: RunExpectations): Promise<number> {
  let checked = 0;
  let after = '';
  const stored = new Set<string>();
  for (;;) {
    const rows = await rowsAfterKey(db, 'runs', after, 100);
    if (rows.length === 0) break;
    const children = await runChildrenOfPage(
      db,
      rows.map((r) => r.run_id),
    );
    const lifecycles = await experimentLifecycleEvents(
      db,
      rows.map((r) => r.experiment_id),
    );
    for (const row of rows) {
      checked += 1;
      const expected = gathered?.of(row.run_id);
      if (expected) stored.add(row.run_id);
      const run: StoredRun = {
        row,
        children: children.get(row.run_id)!,
        experimentMoves: lifecycles.get(row.experiment_id) ?? [],
      };
      await verifyRun(db, run, expected ?? (await expectationOf(db, row.run_id)), problems);
    }
    after = rows.at(-1)!.run_id;
  }
  const logged = gathered?.runs();
  if (logged) {
    // A purged run is rightly gone: garbage collection recorded its removal.
    const gone = logged
      .filter((r) => !stored.has(r.runId) && r.purgedSeq === undefined)
      .sort((a, b) => a.firstSeq - b.firstSeq);
    for (const { runId, firstSeq } of gone) reportGone(problems, runId, firstSeq);
  } else {
    const present = presentOrPurged(db, 'run', (ids) => presentKeys(db, 'runs', ids));
    for await (const gone of vanishedEntities(db, 'run', present)) {
      reportGone(problems, gone.entityId, gone.seq);
    }
  }
  return checked;
}

function reportGone(problems: ProblemLog, runId: string, seq: number): void {
  problems.add({
    seq,
    kind: 'entity-missing',
    message: `run ${runId}, created by event ${seq}, was deleted from the database`,
  });
}

/** A run as stored: its row, what it holds beside it, and the deletes and restores of its experiment. */
interface StoredRun {
  row: RunsTable;
  children: StoredRunChildren;
  experimentMoves: readonly { seq: number; action: string }[];
}

async function verifyRun(db: Executor, run: StoredRun, expected: RunExpectation, problems: ProblemLog): Promise<void> {
  const { row, children } = run;
  const runId = row.run_id;
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
  if (expected.purgedSeq !== undefined) {
    report(expected.purgedSeq, `was purged by event ${expected.purgedSeq} but its row is in the database`);
    return;
  }
  const snapshot = expected.snapshot;
  if (snapshot) {
    const { tags: _tags, ...recordedInfo } = snapshot.info;
    const cascade = lifecycleAfter(run.experimentMoves, snapshot.seq);
    if (cascade) recordedInfo.lifecycleStage = cascade;
    const current = toRunInfo(row) as unknown as Record<string, unknown>;
    const differences = describeDifferences(recordedInfo, current);
    if (differences.length > 0) report(snapshot.seq, `changed after event ${snapshot.seq}: ${differences.join('; ')}`);
    if (snapshot.tags) {
      const tags: RecordedValues = new Map(snapshot.tags.map((t) => [t.key, { value: t.value, seq: snapshot.seq }]));
      for (const [key, value] of expected.laterTags) tags.set(key, value);
      for (const d of describeMapDifferences('tag', tags, verifiable(children.tags))) report(d.seq, d.message);
    }
  }
  for (const d of describeMapDifferences('param', expected.params, verifiable(children.params))) {
    report(d.seq, d.message);
  }
  const currentArtifacts = new Map(children.artifacts.map((a) => [a.path, `sha256 ${a.sha256}, ${a.size} bytes`]));
  for (const d of describeMapDifferences('artifact', expected.artifacts, currentArtifacts)) report(d.seq, d.message);
  const currentInputs = new Map(children.inputs.map((i) => [`${i.name}@${i.digest}`, 'linked']));
  for (const d of describeMapDifferences('dataset input', expected.inputs, currentInputs)) report(d.seq, d.message);
  const latest = new LatestPointCheck(children.latestMetrics);
  for (const problem of await metricBatchProblems(db, runId, expected.metrics, latest)) {
    report(problem.seq, problem.message);
  }
  for (const message of latest.problems()) report(null, message);
}

/** Stored values as the log records them: a sealed value as the digest of its sealed form, so edits to it show. */
function verifiable(values: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  if (![...values.values()].some(isSealedValue)) return values;
  return new Map([...values].map(([key, value]) => [key, auditedValue(value)]));
}

/** A run's expectation rebuilt from its own events, read back in seq order. */
async function expectationOf(db: Executor, runId: string): Promise<RunExpectation> {
  const expected = emptyRunExpectation();
  for await (const event of entityEvents(db, 'run', runId)) foldRunEvent(expected, event);
  return expected;
}

/** Deleting or restoring an experiment moves all its runs along without a run event; the latest such move wins. */
function lifecycleAfter(moves: readonly { seq: number; action: string }[], seq: number): string | undefined {
  const latest = moves.findLast((move) => move.seq > seq);
  if (!latest) return undefined;
  return latest.action === 'experiment.delete' ? 'deleted' : 'active';
}
