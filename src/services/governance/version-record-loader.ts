import { MnemoError } from '../../domain/errors.js';
import type { PolicyTarget } from '../../domain/governance/policy.js';
import type { ApprovalState, LineageFacts, VersionRecord } from '../../domain/governance/policy-context.js';
import { COMPLETENESS_ASPECTS } from '../../domain/lineage/completeness.js';
import { parseNodeId } from '../../domain/lineage/node-id.js';
import { findVersion } from '../../store/repositories/lineage/dataset-version-repository.js';
import { checksOf, evaluationsOf } from '../../store/repositories/registry/evaluation-repository.js';
import { hydrateModels } from '../../store/repositories/registry/model-repository.js';
import { findSchema, findSubject } from '../../store/repositories/registry/schema-repository.js';
import { hydrateVersions } from '../../store/repositories/registry/version-repository.js';
import { findRunRow, hydrateRuns } from '../../store/repositories/run-repository.js';
import type { RegisteredModelsTable } from '../../store/schema-registry.js';
import type { Executor, Store } from '../../store/store.js';
import { LineageQueryService } from '../lineage/lineage-query-service.js';
import { score, versionDocumentOf } from '../registry/completeness-service.js';
import { governingSubject } from '../registry/metadata-gate.js';
import { requireVersion } from '../registry/model-lookup.js';
import type { ServiceDeps } from '../service-deps.js';

/** Answers questions the policy record needs from workflows built beside this one; each may be absent. */
export interface RecordSources {
  /**
   * Where the version's approvals stand for a target (the approval workflow's `stateFor`). Asked only outside write
   * transactions (the gate, policy tests): a transition reaching the guard has already been through the approval
   * workflow, which intercepts unapproved transitions to protected targets before they are applied.
   */
  approvalState?: (input: {
    model: string;
    version: number;
    target: PolicyTarget;
  }) => Promise<ApprovalState | undefined>;
  /** Whether the version is flagged for revalidation (something it relied on changed since it was checked). */
  needsRevalidation?: (db: Executor, input: { modelId: string; version: number }) => Promise<boolean>;
}

const NO_LINEAGE: LineageFacts = {
  linked: {},
  missing: [...COMPLETENESS_ASPECTS],
  score: 0,
  datasets: [],
  dependencies: [],
};

/**
 * Reads everything a policy may look at about one version through `db`: inside a transition's transaction that is
 * the transaction, so the record is the one the transition would commit against.
 */
export async function loadVersionRecord(
  deps: Pick<ServiceDeps, 'store' | 'unitOfWork' | 'now'> & RecordSources,
  db: Executor,
  modelRow: RegisteredModelsTable,
  number: number,
  target: PolicyTarget,
  options: { approvals: boolean },
): Promise<VersionRecord> {
  const [model] = await hydrateModels(db, [modelRow]);
  const versionRow = await requireVersion(db, modelRow, number);
  const [version] = await hydrateVersions(db, [versionRow], () => modelRow.name);
  const runRow = version!.runId ? await findRunRow(db, version!.runId) : undefined;
  // Sensitive params and tags stay sealed: a failed rule's answer shows what it saw to readers of the model, who
  // may not read the run's experiment.
  const [run] = runRow ? await hydrateRuns(db, [runRow]) : [];
  const subject = await governingSubject(db, 'model_version', modelRow.name);
  const info = subject === undefined ? undefined : await findSubject(db, subject);
  const schema = subject && info ? await findSchema(db, subject, info.latestVersion) : undefined;
  const metadata = score(
    schema ? { ref: { subject: subject!, version: info!.latestVersion }, schema: schema.schema } : undefined,
    versionDocumentOf(version!),
  );
  return {
    model: model!,
    version: version!,
    run: run ?? null,
    evaluations: await evaluationsOf(db, modelRow.model_id, number),
    checks: await checksOf(db, modelRow.model_id, number),
    needsRevalidation: (await deps.needsRevalidation?.(db, { modelId: modelRow.model_id, version: number })) ?? false,
    metadataCompleteness: { score: metadata.score, missing: metadata.missing.map((m) => m.path) },
    lineage: await lineageFacts(deps, db, modelRow.model_id, number),
    approvals: options.approvals
      ? ((await deps.approvalState?.({ model: modelRow.name, version: number, target })) ?? null)
      : null,
  };
}

/** The version's lineage as policies see it: completeness, the datasets it was trained on, what it depends on. */
async function lineageFacts(
  deps: Pick<ServiceDeps, 'store' | 'unitOfWork' | 'now'>,
  db: Executor,
  modelId: string,
  version: number,
): Promise<LineageFacts> {
  const store: Store = { db, dialect: deps.store.dialect, close: async () => {} };
  const queries = new LineageQueryService({ store, unitOfWork: deps.unitOfWork, now: deps.now });
  try {
    const completeness = await queries.completeness(modelId, version);
    const upstream = await queries.modelVersionUpstream(modelId, version);
    const datasets = [];
    for (const reached of upstream.nodes.filter((r) => r.node.kind === 'dataset_version')) {
      const found = await findVersion(db, parseNodeId(reached.node.id).entityId);
      if (found) {
        datasets.push({
          namespace: found.namespace,
          name: found.name,
          version: found.version,
          qualityChecks: found.qualityChecks,
        });
      }
    }
    const dependencies = upstream.nodes
      .filter((r) => r.path.length === 1 && r.path[0]!.type === 'depends_on')
      .map((r) => ({ kind: r.node.kind, id: r.node.id, label: r.node.label }));
    return {
      linked: completeness.linked,
      missing: completeness.missing,
      score: completeness.score,
      datasets,
      dependencies,
    };
  } catch (error) {
    // A version the lineage graph has no node for has no lineage to tell: rules about it see nothing linked.
    if (error instanceof MnemoError && error.code === 'RESOURCE_DOES_NOT_EXIST') return NO_LINEAGE;
    throw error;
  }
}
