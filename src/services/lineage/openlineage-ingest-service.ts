import { invalidState, notFound } from '../../domain/errors.js';
import { codeRefId, normaliseCodeRef } from '../../domain/lineage/code-ref.js';
import type { DatasetVersion } from '../../domain/lineage/dataset-version.js';
import { nodeId } from '../../domain/lineage/node-id.js';
import type { OpenLineageRunEvent } from '../../domain/lineage/openlineage-event.js';
import {
  type DatasetName,
  type OpenLineagePlan,
  planOpenLineageEvent,
} from '../../domain/lineage/openlineage-mapping.js';
import { applyRunEvent } from '../../domain/lineage/run-state.js';
import { codeRefState } from '../../domain/provenance/audit-events/lineage-states.js';
import type { RunStatus } from '../../domain/tracking/entities.js';
import {
  findExperimentRowByName,
  hydrateExperiments,
  insertExperiment,
} from '../../store/repositories/experiment-repository.js';
import { findDataset, latestVersion } from '../../store/repositories/lineage/dataset-version-repository.js';
import { insertCodeRef } from '../../store/repositories/lineage/entity-repository.js';
import { ensureNode } from '../../store/repositories/lineage/node-repository.js';
import * as openlineage from '../../store/repositories/lineage/openlineage-repository.js';
import { findRunRow, insertRun, upsertRunTags } from '../../store/repositories/run-repository.js';
import { newExperimentId, newId, newRunId } from '../ids.js';
import type { LineageDeps } from '../service-deps.js';
import { judgeRunRow } from '../tracking/run-completeness.js';
import type { WriteScope } from '../unit-of-work.js';
import { saveDatasetVersion } from './dataset-versions.js';
import { ensureRunNode, recordEdge } from './graph-writer.js';
import { openLineageEventRecord, openLineageRunRecord } from './openlineage-records.js';

export interface IngestResult {
  olRunId: string;
  runId: string;
  experimentId: string;
  status: RunStatus;
  inputs: string[];
  outputs: string[];
}

/** Tag keys put on runs that came from OpenLineage, so they can be found with run search. */
export const OPENLINEAGE_TAGS = {
  runId: 'mnemo.openlineage.runId',
  job: 'mnemo.openlineage.job',
  producer: 'mnemo.openlineage.producer',
} as const;

/**
 * Maps OpenLineage RunEvents onto Mnemo: a job namespace becomes an experiment, a job run a Mnemo run (or the run
 * a `mnemo`/`mlflow` facet names), inputs and outputs dataset versions with `consumed` and `produced` edges, and
 * column lineage `derived_from` edges between datasets. Each event is applied in one transaction, together with its
 * verbatim copy, so a rejected event leaves nothing behind and no facet is ever lost.
 */
export class OpenLineageIngestService {
  constructor(private readonly deps: LineageDeps) {}

  async ingest(event: OpenLineageRunEvent): Promise<IngestResult> {
    const plan = planOpenLineageEvent(event);
    return this.deps.unitOfWork.write(async (scope) => {
      const now = this.deps.now();
      const { runId, experimentId, status } = await this.applyRun(scope, plan, now);
      const eventId = `openlineage:${plan.olRunId}`;
      const runNode = await ensureRunNode(scope, runId, {
        producer: plan.producer,
        job: `${plan.job.namespace}/${plan.job.name}`,
        openLineageRunId: plan.olRunId,
      });
      if (plan.codeRef) {
        const code = await this.saveCodeRef(scope, plan, now);
        await recordEdge(scope, { from: code, to: runNode, type: 'depends_on', runId, eventId }, now);
      }
      const seen = new Map<string, DatasetVersion>();
      const inputs: string[] = [];
      const outputs: string[] = [];
      for (const observed of plan.datasets) {
        const versionKey = observed.versionKey ?? (await this.currentVersionKey(scope, observed));
        const version = await saveDatasetVersion(
          scope,
          {
            namespace: observed.namespace,
            name: observed.name,
            versionKey,
            uri: observed.uri,
            columns: observed.columns,
            rowCount: observed.rowCount,
            qualityChecks: observed.qualityChecks,
            facets: observed.facets,
          },
          'merge',
          now,
          this.deps.upstreamChanges,
        );
        seen.set(key(observed), version);
        if (observed.role === 'input') {
          inputs.push(version.nodeId);
          await recordEdge(scope, { from: version.nodeId, to: runNode, type: 'consumed', runId, eventId }, now);
        } else {
          outputs.push(version.nodeId);
          await recordEdge(scope, { from: runNode, to: version.nodeId, type: 'produced', runId, eventId }, now);
        }
      }
      for (const derivation of plan.derivations) {
        const output = seen.get(key(derivation.output));
        const input = seen.get(key(derivation.input)) ?? (await this.latest(scope, derivation.input));
        if (!output || !input || input.nodeId === output.nodeId) continue;
        await recordEdge(
          scope,
          {
            from: input.nodeId,
            to: output.nodeId,
            type: 'derived_from',
            runId,
            eventId,
            attributes: { columnLineage: derivation.columns },
          },
          now,
        );
      }
      const stored = {
        event_id: newId(),
        ol_run_id: plan.olRunId,
        event_type: plan.eventType,
        event_time: plan.eventTime,
        producer: plan.producer,
        payload: JSON.stringify(event),
        received_time: now,
      };
      await openlineage.insertOpenLineageEvent(scope.db, stored);
      const olRun = (await openlineage.findOpenLineageRun(scope.db, plan.olRunId))!;
      scope.audit({
        action: 'openlineage.event',
        entityKind: 'openlineage_run',
        entityId: plan.olRunId,
        state: { ...openLineageEventRecord(stored), runId, run: openLineageRunRecord(olRun) },
      });
      // A run OpenLineage reports complete is judged like any finished run, its reported inputs counting.
      const runRow = await findRunRow(scope.db, runId);
      if (runRow?.status === 'FINISHED') await judgeRunRow(scope.db, runRow, now);
      return { olRunId: plan.olRunId, runId, experimentId, status, inputs, outputs };
    });
  }

  /** An OpenLineage run as Mnemo holds it: its Mnemo run, merged facets and every event received, verbatim. */
  async getRun(olRunId: string) {
    const db = this.deps.store.db;
    const row = await openlineage.findOpenLineageRun(db, olRunId.toLowerCase());
    if (!row) throw notFound(`OpenLineage run ${olRunId} has not been reported`);
    const events = await openlineage.listOpenLineageEvents(db, row.ol_run_id);
    return {
      olRunId: row.ol_run_id,
      runId: row.run_id,
      job: { namespace: row.job_namespace, name: row.job_name, facets: JSON.parse(row.job_facets) as unknown },
      producer: row.producer,
      status: row.status,
      startTime: row.start_time,
      endTime: row.end_time,
      runFacets: JSON.parse(row.run_facets) as unknown,
      events: events.map((e) => ({
        eventType: e.event_type,
        eventTime: e.event_time,
        receivedTime: e.received_time,
        event: JSON.parse(e.payload) as unknown,
      })),
    };
  }

  /** Creates or advances the Mnemo run behind an OpenLineage run; events for a run never seen start it anew. */
  private async applyRun(scope: WriteScope, plan: OpenLineagePlan, now: number) {
    const { db, audit } = scope;
    const known = await openlineage.findOpenLineageRun(db, plan.olRunId);
    const lifecycle = applyRunEvent(
      known ? { status: known.status as RunStatus, startTime: known.start_time, endTime: known.end_time } : null,
      plan.eventType,
      plan.eventTime,
    );
    if (known) {
      await openlineage.updateOpenLineageRun(db, plan.olRunId, {
        status: lifecycle.status,
        start_time: lifecycle.startTime,
        end_time: lifecycle.endTime,
        run_facets: JSON.stringify({ ...JSON.parse(known.run_facets), ...plan.runFacets }),
        job_facets: JSON.stringify({ ...JSON.parse(known.job_facets), ...plan.job.facets }),
        updated_time: now,
      });
      const run = await findRunRow(db, known.run_id);
      if (!run) throw notFound(`Run with id=${known.run_id} not found`);
      if (known.owns_run === 1) {
        await openlineage.updateRunLifecycle(db, known.run_id, {
          status: lifecycle.status,
          start_time: lifecycle.startTime,
          end_time: lifecycle.endTime,
        });
        audit({ action: 'run.update', entityKind: 'run', entityId: known.run_id, state: lifecycle });
      }
      return { runId: known.run_id, experimentId: run.experiment_id, status: lifecycle.status };
    }

    let runId: string;
    let experimentId: string;
    if (plan.linkedRunId) {
      const linked = await findRunRow(db, plan.linkedRunId.runId);
      if (!linked) throw notFound(`${plan.linkedRunId.field}: run ${plan.linkedRunId.runId} does not exist`);
      runId = linked.run_id;
      experimentId = linked.experiment_id;
    } else {
      experimentId = await this.experimentFor(scope, plan.job.namespace, now);
      runId = newRunId();
      const parent = plan.parent ? await openlineage.findOpenLineageRun(db, plan.parent.olRunId) : undefined;
      await insertRun(db, {
        run_id: runId,
        experiment_id: experimentId,
        run_name: plan.job.name.slice(0, 250),
        user_id: '',
        status: lifecycle.status,
        start_time: lifecycle.startTime,
        end_time: lifecycle.endTime,
        lifecycle_stage: 'active',
        artifact_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
        parent_run_id: parent?.run_id ?? null,
        deleted_time: null,
      });
      await upsertRunTags(db, runId, [
        { key: 'mlflow.runName', value: plan.job.name.slice(0, 250) },
        { key: OPENLINEAGE_TAGS.runId, value: plan.olRunId },
        { key: OPENLINEAGE_TAGS.job, value: `${plan.job.namespace}/${plan.job.name}`.slice(0, 8000) },
        { key: OPENLINEAGE_TAGS.producer, value: plan.producer.slice(0, 8000) },
      ]);
      audit({ action: 'run.create', entityKind: 'run', entityId: runId, state: { runId, experimentId, lifecycle } });
    }
    await openlineage.insertOpenLineageRun(db, {
      ol_run_id: plan.olRunId,
      run_id: runId,
      owns_run: plan.linkedRunId ? 0 : 1,
      job_namespace: plan.job.namespace,
      job_name: plan.job.name,
      producer: plan.producer,
      status: lifecycle.status,
      start_time: lifecycle.startTime,
      end_time: lifecycle.endTime,
      run_facets: JSON.stringify(plan.runFacets),
      job_facets: JSON.stringify(plan.job.facets),
      updated_time: now,
    });
    return { runId, experimentId, status: lifecycle.status };
  }

  private async experimentFor(scope: WriteScope, name: string, now: number): Promise<string> {
    const existing = await findExperimentRowByName(scope.db, name);
    if (existing) {
      if (existing.lifecycle_stage !== 'active') {
        throw invalidState(`Experiment '${name}' (job namespace ${name}) is deleted; restore it to record its runs`);
      }
      return existing.experiment_id;
    }
    const experimentId = newExperimentId();
    const row = {
      experiment_id: experimentId,
      name,
      artifact_location: `mlflow-artifacts:/${experimentId}`,
      lifecycle_stage: 'active' as const,
      creation_time: now,
      last_update_time: now,
    };
    await insertExperiment(scope.db, row);
    // Recorded as the experiment service records one, so the state compares with the experiment as stored.
    const [created] = await hydrateExperiments(scope.db, [row]);
    scope.audit({ action: 'experiment.create', entityKind: 'experiment', entityId: experimentId, state: created! });
    return experimentId;
  }

  private async saveCodeRef(scope: WriteScope, plan: OpenLineagePlan, now: number): Promise<string> {
    const spec = normaliseCodeRef(plan.codeRef!);
    const id = codeRefId(spec);
    const row = {
      code_ref_id: id,
      repository: spec.repository,
      commit_sha: spec.commit,
      dirty_digest: spec.dirtyDigest,
      created_time: now,
    };
    if (await insertCodeRef(scope.db, row)) {
      scope.audit({
        action: 'lineage.code_ref.create',
        entityKind: 'code_ref',
        entityId: id,
        state: codeRefState(row),
      });
    }
    await ensureNode(scope.db, {
      id: nodeId('code_ref', id),
      kind: 'code_ref',
      label: `${spec.repository}@${spec.commit.slice(0, 12)}`,
      attributes: { ...spec },
      createdTime: now,
    });
    return nodeId('code_ref', id);
  }

  /** An input without a version facet read the newest version known; a dataset never seen gets a first version. */
  private async currentVersionKey(scope: WriteScope, dataset: DatasetName): Promise<string> {
    return (await this.latest(scope, dataset))?.version ?? 'initial';
  }

  private async latest(scope: WriteScope, dataset: DatasetName): Promise<DatasetVersion | undefined> {
    const found = await findDataset(scope.db, dataset.namespace, dataset.name);
    return found ? latestVersion(scope.db, found.dataset_id) : undefined;
  }
}

const key = (d: DatasetName) => JSON.stringify([d.namespace, d.name]);
