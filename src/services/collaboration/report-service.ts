import type { Principal } from '../../domain/access/principal.js';
import { isReadable, type ReadableSet } from '../../domain/access/readable-set.js';
import {
  checkReport,
  pinnedRunIds,
  type RenderedBlock,
  type Report,
  type ReportBlock,
  type ReportInput,
  type ReportRun,
  renderBlocks,
} from '../../domain/collaboration/report.js';
import { invalid, notFound } from '../../domain/errors.js';
import type { ReportState } from '../../domain/provenance/audit-events/collaboration-states.js';
import {
  deleteReport,
  findReport,
  insertReport,
  latestMetricsOf,
  reportsOf,
  updateReport,
} from '../../store/repositories/collaboration/report-repository.js';
import { findExperimentRow } from '../../store/repositories/experiment-repository.js';
import { findRunRows } from '../../store/repositories/run-repository.js';
import type { ReportsTable } from '../../store/schema-collaboration.js';
import type { Executor } from '../../store/store.js';
import { newId } from '../ids.js';
import type { ServiceDeps } from '../service-deps.js';

export type RenderedReport = Omit<Report, 'blocks'> & { blocks: RenderedBlock[] };

/** How many metrics a pinned run shows at most, so a run logging thousands of keys keeps a report small. */
const METRICS_PER_RUN = 50;

/**
 * Reports pinned on an experiment. A report keeps run ids; opening it reads those runs again and shows only the ones
 * its reader may read now — in any experiment, as a report may compare runs across experiments — counting the rest.
 * A writer may pin only runs it can read: pinning would otherwise confirm that a hidden run exists.
 */
export class ReportService {
  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'unitOfWork' | 'now'>) {}

  async list(experimentId: string): Promise<Report[]> {
    const db = this.deps.store.db;
    await requireExperiment(db, experimentId);
    return (await reportsOf(db, experimentId)).map(toReport);
  }

  async open(experimentId: string, reportId: string, readable: ReadableSet): Promise<RenderedReport> {
    const db = this.deps.store.db;
    const report = toReport(await requireReport(db, experimentId, reportId));
    const visible = await visibleRuns(db, pinnedRunIds(report.blocks), readable);
    return { ...report, blocks: renderBlocks(report.blocks, visible) };
  }

  async create(caller: Principal, experimentId: string, input: ReportInput, readable: ReadableSet): Promise<string> {
    const checked = checkReport(input);
    const now = this.deps.now();
    const row: ReportsTable = {
      report_id: newId(),
      experiment_id: experimentId,
      title: checked.title,
      blocks: JSON.stringify(checked.blocks),
      created_by: caller.name,
      created_time: now,
      last_updated_by: caller.name,
      last_updated_time: now,
    };
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      await requireExperiment(db, experimentId);
      await requirePinnable(db, checked.blocks, readable);
      await insertReport(db, row);
      audit({ action: 'report.create', entityKind: 'report', entityId: row.report_id, state: reportStateOf(row) });
    });
    return row.report_id;
  }

  /** Replaces a report's title and blocks whole: the page edits a copy and saves it, as reordering needs. */
  async update(
    caller: Principal,
    experimentId: string,
    reportId: string,
    input: ReportInput,
    readable: ReadableSet,
  ): Promise<void> {
    const checked = checkReport(input);
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      const before = await requireReport(db, experimentId, reportId);
      await requirePinnable(db, checked.blocks, readable);
      const row: ReportsTable = {
        ...before,
        title: checked.title,
        blocks: JSON.stringify(checked.blocks),
        last_updated_by: caller.name,
        last_updated_time: this.deps.now(),
      };
      await updateReport(db, row);
      audit({ action: 'report.update', entityKind: 'report', entityId: reportId, state: reportStateOf(row) });
    });
  }

  async delete(experimentId: string, reportId: string): Promise<void> {
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      await requireReport(db, experimentId, reportId);
      await deleteReport(db, reportId);
      audit({ action: 'report.delete', entityKind: 'report', entityId: reportId, state: { deleted: true } });
    });
  }
}

async function requireExperiment(db: Executor, experimentId: string): Promise<void> {
  if (!(await findExperimentRow(db, experimentId))) throw notFound(`Experiment '${experimentId}' does not exist`);
}

/** A report of another experiment is a 404 here: the caller's access was checked on the experiment in the path. */
async function requireReport(db: Executor, experimentId: string, reportId: string): Promise<ReportsTable> {
  const row = await findReport(db, reportId);
  if (!row || row.experiment_id !== experimentId) throw notFound(`Report '${reportId}' does not exist`);
  return row;
}

/** Every pinned run must be one the writer could open; one it may not read is answered as one that does not exist. */
async function requirePinnable(db: Executor, blocks: readonly ReportBlock[], readable: ReadableSet): Promise<void> {
  const ids = pinnedRunIds(blocks);
  const visible = await visibleRunRows(db, ids, readable);
  const missing = ids.find((id) => !visible.has(id));
  if (missing !== undefined) throw invalid(`Run '${missing}' does not exist`);
}

async function visibleRunRows(db: Executor, runIds: readonly string[], readable: ReadableSet) {
  const rows = runIds.length === 0 ? [] : await findRunRows(db, runIds);
  return new Map(
    rows
      .filter((r) => r.lifecycle_stage === 'active' && isReadable(readable, r.experiment_id))
      .map((r) => [r.run_id, r]),
  );
}

async function visibleRuns(
  db: Executor,
  runIds: readonly string[],
  readable: ReadableSet,
): Promise<Map<string, ReportRun>> {
  const rows = await visibleRunRows(db, runIds, readable);
  const runs = new Map<string, ReportRun>();
  for (const row of rows.values()) {
    runs.set(row.run_id, {
      runId: row.run_id,
      experimentId: row.experiment_id,
      runName: row.run_name,
      status: row.status,
      metrics: {},
    });
  }
  const metrics = (await latestMetricsOf(db, [...runs.keys()])).sort((a, b) => a.key.localeCompare(b.key));
  for (const m of metrics) {
    const shown = runs.get(m.runId)!.metrics;
    if (Object.keys(shown).length < METRICS_PER_RUN) shown[m.key] = m.value;
  }
  return runs;
}

/** What the audit log records of a report row; `mnemo audit verify` compares the row against it. */
export function reportStateOf(row: ReportsTable): ReportState {
  return {
    experimentId: row.experiment_id,
    title: row.title,
    blocks: JSON.parse(row.blocks) as unknown[],
    createdBy: row.created_by,
    creationTime: Number(row.created_time),
    lastUpdatedBy: row.last_updated_by,
    lastUpdatedTime: Number(row.last_updated_time),
  };
}

function toReport(row: ReportsTable): Report {
  return {
    reportId: row.report_id,
    experimentId: row.experiment_id,
    title: row.title,
    blocks: JSON.parse(row.blocks) as ReportBlock[],
    createdBy: row.created_by,
    creationTime: Number(row.created_time),
    lastUpdatedBy: row.last_updated_by,
    lastUpdatedTime: Number(row.last_updated_time),
  };
}
