import type { ProblemLog } from '../../../domain/provenance/verification-report.js';
import type { Executor } from '../../../store/store.js';
import { codeRefKind, environmentKind } from './code-and-environment-kinds.js';
import { datasetKind, datasetVersionKind } from './dataset-kinds.js';
import { deploymentKind, deploymentTargetKind } from './deployment-kinds.js';
import { featureKind, featureVersionKind } from './feature-kinds.js';
import { lineageEdgeKind } from './lineage-edge-kind.js';
import { orphanOpenLineageEventProblems } from './openlineage-event-check.js';
import { openLineageRunKind } from './openlineage-run-kind.js';
import { type RecordedRowKind, verifyRecordedRows } from './recorded-rows.js';

/**
 * The lineage graph against its events: datasets and their versions (digest, location, schema, drift), features and
 * their versions, environments, code refs, deployment targets and deployments, OpenLineage runs with the events they
 * received, and every edge — so "model version X was trained on dataset version Y" holds only if the log says so.
 * Returns how many rows were checked.
 */
export async function verifyLineage(db: Executor, problems: ProblemLog): Promise<number> {
  const rows = <Row>(kind: RecordedRowKind<Row>) => verifyRecordedRows(db, problems, kind);
  let checked =
    (await rows(datasetKind)) +
    (await rows(datasetVersionKind)) +
    (await rows(featureKind)) +
    (await rows(featureVersionKind)) +
    (await rows(environmentKind)) +
    (await rows(codeRefKind)) +
    (await rows(deploymentTargetKind)) +
    (await rows(deploymentKind)) +
    (await rows(openLineageRunKind));
  await orphanOpenLineageEventProblems(db, problems);
  checked += await rows(lineageEdgeKind());
  return checked;
}
