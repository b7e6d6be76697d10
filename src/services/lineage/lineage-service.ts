import { alreadyExists, invalid, notFound } from '../../domain/errors.js';
import { type CodeRefSpec, codeRefId, normaliseCodeRef } from '../../domain/lineage/code-ref.js';
import {
  type DatasetColumn,
  type DatasetVersion,
  type DriftStatus,
  datasetLabel,
  type QualityCheck,
} from '../../domain/lineage/dataset-version.js';
import type { EdgeType } from '../../domain/lineage/edge-types.js';
import { type EnvironmentSpec, environmentDigest, normaliseEnvironment } from '../../domain/lineage/environment.js';
import { modelVersionNodeId, nodeId, parseNodeId } from '../../domain/lineage/node-id.js';
import {
  codeRefState,
  type DeploymentState,
  type DeploymentTargetState,
  datasetState,
  deploymentState,
  deploymentTargetState,
  environmentState,
  type FeatureVersionState,
  featureState,
  featureVersionState,
} from '../../domain/provenance/audit-events/lineage-states.js';
import { canonicalJson } from '../../domain/provenance/canonical-json.js';
import * as datasets from '../../store/repositories/lineage/dataset-version-repository.js';
import * as entities from '../../store/repositories/lineage/entity-repository.js';
import { findModelIdentity } from '../../store/repositories/lineage/model-identity.js';
import { findNode, upsertNode } from '../../store/repositories/lineage/node-repository.js';
import { bindCreator } from '../access/permission-service.js';
import { newId } from '../ids.js';
import type { LineageDeps } from '../service-deps.js';
import type { WriteScope } from '../unit-of-work.js';
import { checkDatasetRules, datasetVersionNode, saveDatasetVersion } from './dataset-versions.js';
import { type EdgeInput, ensureRunNode, recordEdge } from './graph-writer.js';
import { deploymentLabel, type ModelVersionLineageInput, recordModelVersionLineage } from './model-version-lineage.js';
import { datasetByMarquezName, resolveNodeId } from './node-resolver.js';

export interface RegisterDatasetVersionInput {
  namespace: string;
  name: string;
  version: string;
  uri?: string | null;
  digest?: string | null;
  columns?: DatasetColumn[] | null;
  rowCount?: number | null;
  qualityChecks?: QualityCheck[] | null;
  /** The run that wrote this version, recorded as run —produced→ dataset version. */
  producedByRunId?: string | null;
}

export interface RegisterFeatureInput {
  name: string;
  version: string;
  description?: string | null;
  pipeline?: string | null;
  transformation?: string | null;
  codeRefId?: string | null;
  /** Dataset versions the feature is computed from: each becomes dataset version —derived_from→ feature version. */
  inputDatasetVersionIds: string[];
}

/** A feature version is returned as its audit event records it. */
export type FeatureVersion = FeatureVersionState;

/** A deployment target is returned as its audit event records it. */
export type DeploymentTarget = DeploymentTargetState;

/** A model version as the graph has it after its lineage was declared. */
export interface ModelVersionLineage {
  nodeId: string;
  /** False when the version was already in the graph (the registry puts it there when the version is created). */
  created: boolean;
  modelId: string;
  modelName: string;
  version: number;
}

export const DEPLOYMENT_STATUSES = ['PENDING', 'ACTIVE', 'FAILED', 'ROLLED_BACK', 'RETIRED'] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

/** A deployment is returned as its audit events record it. */
export type Deployment = DeploymentState<DeploymentStatus>;

/** Registration of the lineage graph's entities and edges. Every change is one audited transaction. */
type EnvironmentRegistration = {
  environmentId: string;
  nodeId: string;
  created: boolean;
  environment: EnvironmentSpec;
};
type CodeRefRegistration = { codeRefId: string; nodeId: string; created: boolean; codeRef: CodeRefSpec };

export class LineageService {
  constructor(private readonly deps: LineageDeps) {}

  async registerDataset(input: { namespace: string; name: string; description?: string | null }) {
    checkName(input.namespace, 'namespace');
    checkName(input.name, 'name');
    return this.deps.unitOfWork.write(async ({ db, audit }) => {
      if (await datasets.findDataset(db, input.namespace, input.name)) {
        throw alreadyExists(`Dataset ${datasetLabel(input.namespace, input.name)} already exists`);
      }
      const row = {
        dataset_id: newId(),
        namespace: input.namespace,
        name: input.name,
        description: input.description ?? null,
        created_time: this.deps.now(),
      };
      await checkDatasetRules(db, row);
      await datasets.insertDataset(db, row);
      audit({
        action: 'lineage.dataset.create',
        entityKind: 'dataset',
        entityId: row.dataset_id,
        state: datasetState(row),
      });
      await bindCreator({ db, audit }, 'dataset', row.dataset_id, row.created_time);
      return {
        datasetId: row.dataset_id,
        namespace: row.namespace,
        name: row.name,
        description: row.description,
        createdTime: row.created_time,
      };
    });
  }

  /**
   * Registers a version, creating its dataset when there is none yet: whoever creates a dataset so manages it, as the
   * creator of an experiment or a registered model does (a server without authentication binds nobody).
   */
  async registerDatasetVersion(input: RegisterDatasetVersionInput): Promise<DatasetVersion> {
    checkName(input.namespace, 'namespace');
    checkName(input.name, 'name');
    checkName(input.version, 'version');
    return this.deps.unitOfWork.write(async (scope) => {
      const now = this.deps.now();
      const version = await saveDatasetVersion(
        scope,
        {
          namespace: input.namespace,
          name: input.name,
          versionKey: input.version,
          uri: input.uri ?? null,
          digest: input.digest ?? null,
          columns: input.columns ?? null,
          rowCount: input.rowCount ?? null,
          qualityChecks: input.qualityChecks ?? [],
        },
        'create',
        now,
        this.deps.upstreamChanges,
      );
      if (input.producedByRunId) {
        const runNode = await ensureRunNode(scope, input.producedByRunId);
        await recordEdge(
          scope,
          { from: runNode, to: version.nodeId, type: 'produced', runId: input.producedByRunId },
          now,
        );
      }
      return version;
    });
  }

  async getDatasetVersion(versionId: string): Promise<DatasetVersion> {
    const version = await datasets.findVersion(this.deps.store.db, versionId);
    if (!version) throw notFound(`Dataset version ${versionId} does not exist`);
    return version;
  }

  /**
   * The versions of a dataset named by namespace and name, or by one string as Marquez writes it
   * (`<namespace>:<name>`, where the namespace may hold colons of its own: each split is tried against the stored
   * datasets).
   */
  async listDatasetVersions(
    named: { namespace: string; name: string } | { dataset: string },
  ): Promise<DatasetVersion[]> {
    const db = this.deps.store.db;
    let dataset: Awaited<ReturnType<typeof datasets.findDataset>>;
    if ('dataset' in named) {
      dataset = await datasetByMarquezName(db, named.dataset);
    } else {
      dataset = await datasets.findDataset(db, named.namespace, named.name);
      if (!dataset) throw notFound(`Dataset ${datasetLabel(named.namespace, named.name)} does not exist`);
    }
    return datasets.listVersions(db, dataset.dataset_id);
  }

  async registerFeature(input: RegisterFeatureInput): Promise<FeatureVersion> {
    checkName(input.name, 'name');
    checkName(input.version, 'version');
    if (input.inputDatasetVersionIds.length === 0) {
      throw invalid('inputDatasetVersionIds must name at least one dataset version the feature is computed from');
    }
    return this.deps.unitOfWork.write(async (scope) => {
      const { db, audit } = scope;
      const now = this.deps.now();
      let feature = await entities.findFeatureByName(db, input.name);
      if (!feature) {
        feature = { feature_id: newId(), name: input.name, description: input.description ?? null, created_time: now };
        await entities.insertFeature(db, feature);
        audit({
          action: 'lineage.feature.create',
          entityKind: 'feature',
          entityId: feature.feature_id,
          state: featureState(feature),
        });
      }
      if (await entities.findFeatureVersion(db, feature.feature_id, input.version)) {
        throw alreadyExists(`Feature ${input.name} already has a version '${input.version}'`);
      }
      if (input.codeRefId && !(await entities.findCodeRef(db, input.codeRefId))) {
        throw notFound(`Code ref ${input.codeRefId} does not exist`);
      }
      const row = {
        feature_version_id: newId(),
        feature_id: feature.feature_id,
        version: input.version,
        pipeline: input.pipeline ?? null,
        transformation: input.transformation ?? null,
        code_ref_id: input.codeRefId ?? null,
        created_time: now,
      };
      await entities.insertFeatureVersion(db, row);
      const id = nodeId('feature_version', row.feature_version_id);
      await upsertNode(db, {
        id,
        kind: 'feature_version',
        label: `${input.name}@${input.version}`,
        attributes: { featureName: input.name, version: input.version, pipeline: row.pipeline },
        createdTime: now,
      });
      for (const [i, versionId] of input.inputDatasetVersionIds.entries()) {
        if (!(await datasets.findVersion(db, versionId))) {
          throw notFound(`inputDatasetVersionIds[${i}]: dataset version ${versionId} does not exist`);
        }
        await recordEdge(scope, { from: nodeId('dataset_version', versionId), to: id, type: 'derived_from' }, now);
      }
      if (row.code_ref_id) {
        await recordEdge(scope, { from: nodeId('code_ref', row.code_ref_id), to: id, type: 'depends_on' }, now);
      }
      const earlier = (await entities.featureVersionIds(db, feature.feature_id)).filter(
        (versionId) => versionId !== row.feature_version_id,
      );
      if (earlier.length > 0) {
        await this.deps.upstreamChanges?.upstreamChanged(scope, {
          kind: 'new_feature_version',
          upstreamNodeId: id,
          replacedNodeIds: earlier.map((versionId) => nodeId('feature_version', versionId)),
        });
      }
      const result = featureVersionState(row, { name: input.name, inputs: input.inputDatasetVersionIds });
      audit({ action: 'lineage.feature_version.create', entityKind: 'feature_version', entityId: id, state: result });
      return result;
    });
  }

  /** Environments are content-addressed: registering the same content again returns the same environment. */
  async registerEnvironment(spec: EnvironmentSpec): Promise<EnvironmentRegistration> {
    return this.deps.unitOfWork.write((scope) => this.storeEnvironment(scope, spec));
  }

  /**
   * Registers the environment a run ran in and links it to the run (`depends_on`, made by the run), in one write.
   * Needs only the right to write to the run: an environment is content-addressed, so registering one claims nothing
   * and changes nothing anyone else recorded.
   */
  async linkRunEnvironment(runId: string, spec: EnvironmentSpec) {
    return this.deps.unitOfWork.write(async (scope) => {
      const environment = await this.storeEnvironment(scope, spec);
      const edge = await this.linkToRun(scope, environment.nodeId, runId);
      await this.deps.runEnvironmentLinked?.(scope, {
        runId,
        environmentId: environment.environmentId,
        spec: environment.environment,
      });
      return { ...environment, edge };
    });
  }

  private async storeEnvironment(scope: WriteScope, spec: EnvironmentSpec): Promise<EnvironmentRegistration> {
    const { db, audit } = scope;
    const normalised = normaliseEnvironment(spec);
    const environmentId = environmentDigest(normalised);
    const id = nodeId('environment', environmentId);
    const found = { environmentId, nodeId: id, environment: normalised };
    if (await entities.findEnvironment(db, environmentId)) return { ...found, created: false };
    const now = this.deps.now();
    await entities.insertEnvironment(db, {
      environment_id: environmentId,
      document: canonicalJson(normalised),
      created_time: now,
    });
    await upsertNode(db, {
      id,
      kind: 'environment',
      label: `${normalised.runtime} on ${normalised.os}`,
      attributes: {
        os: normalised.os,
        runtime: normalised.runtime,
        containerImageDigest: normalised.containerImageDigest,
        packages: normalised.packages,
      },
      createdTime: now,
    });
    audit({
      action: 'lineage.environment.create',
      entityKind: 'environment',
      entityId: environmentId,
      state: environmentState(normalised, now),
    });
    return { ...found, created: true };
  }

  /** `node --depends_on--> run`, recorded as made by the run. */
  private async linkToRun(scope: WriteScope, from: string, runId: string) {
    const to = await ensureRunNode(scope, runId);
    return recordEdge(
      scope,
      { from, to, type: 'depends_on', runId, eventId: 'api' } satisfies EdgeInput,
      this.deps.now(),
    );
  }

  async getEnvironment(environmentId: string): Promise<{ environmentId: string; environment: EnvironmentSpec }> {
    const row = await entities.findEnvironment(this.deps.store.db, environmentId);
    if (!row) throw notFound(`Environment ${environmentId} does not exist`);
    return { environmentId, environment: JSON.parse(row.document) as EnvironmentSpec };
  }

  async registerCodeRef(spec: CodeRefSpec): Promise<CodeRefRegistration> {
    return this.deps.unitOfWork.write((scope) => this.storeCodeRef(scope, spec));
  }

  /** Registers the code a run ran and links it to the run, in one write; like linkRunEnvironment, for run writers. */
  async linkRunCodeRef(runId: string, spec: CodeRefSpec) {
    return this.deps.unitOfWork.write(async (scope) => {
      const codeRef = await this.storeCodeRef(scope, spec);
      return { ...codeRef, edge: await this.linkToRun(scope, codeRef.nodeId, runId) };
    });
  }

  private async storeCodeRef(scope: WriteScope, spec: CodeRefSpec): Promise<CodeRefRegistration> {
    const { db, audit } = scope;
    const normalised = normaliseCodeRef(spec);
    const id = codeRefId(normalised);
    const node = nodeId('code_ref', id);
    const found = { codeRefId: id, nodeId: node, codeRef: normalised };
    if (await entities.findCodeRef(db, id)) return { ...found, created: false };
    const now = this.deps.now();
    const row = {
      code_ref_id: id,
      repository: normalised.repository,
      commit_sha: normalised.commit,
      dirty_digest: normalised.dirtyDigest,
      created_time: now,
    };
    await entities.insertCodeRef(db, row);
    await upsertNode(db, {
      id: node,
      kind: 'code_ref',
      label: `${normalised.repository}@${normalised.commit.slice(0, 12)}${normalised.dirtyDigest ? '+dirty' : ''}`,
      attributes: { ...normalised },
      createdTime: now,
    });
    audit({ action: 'lineage.code_ref.create', entityKind: 'code_ref', entityId: id, state: codeRefState(row) });
    return { ...found, created: true };
  }

  async registerDeploymentTarget(input: {
    name: string;
    description?: string | null;
    environmentId?: string | null;
  }): Promise<DeploymentTarget> {
    checkName(input.name, 'name');
    return this.deps.unitOfWork.write(async (scope) => {
      const { db, audit } = scope;
      if (await entities.findTargetByName(db, input.name)) {
        throw alreadyExists(`Deployment target '${input.name}' already exists`);
      }
      if (input.environmentId && !(await entities.findEnvironment(db, input.environmentId))) {
        throw notFound(`Environment ${input.environmentId} does not exist`);
      }
      const now = this.deps.now();
      const row = {
        target_id: newId(),
        name: input.name,
        description: input.description ?? null,
        environment_id: input.environmentId ?? null,
        created_time: now,
      };
      await entities.insertTarget(db, row);
      const target = deploymentTargetState(row);
      await upsertNode(db, {
        id: target.nodeId,
        kind: 'deployment_target',
        label: target.name,
        attributes: { environmentId: target.environmentId },
        createdTime: now,
      });
      if (target.environmentId) {
        const from = nodeId('environment', target.environmentId);
        await recordEdge(scope, { from, to: target.nodeId, type: 'depends_on' }, now);
      }
      audit({
        action: 'lineage.deployment_target.create',
        entityKind: 'deployment_target',
        entityId: target.targetId,
        state: target,
      });
      return target;
    });
  }

  async recordDeployment(input: {
    modelId: string;
    version: number;
    targetId: string;
    status?: DeploymentStatus;
    deployedTime?: number;
  }): Promise<Deployment> {
    return this.deps.unitOfWork.write(async (scope) => {
      const { db, audit } = scope;
      const identity = await findModelIdentity(db, input.modelId);
      const model = identity?.modelId ?? input.modelId;
      const modelVersion = modelVersionNodeId(model, input.version);
      if (!(await findNode(db, modelVersion))) {
        throw notFound(`Model version ${input.modelId} v${input.version} is not in the lineage graph`);
      }
      const target = await entities.findTarget(db, input.targetId);
      if (!target) throw notFound(`Deployment target ${input.targetId} does not exist`);
      const now = this.deps.now();
      const row = {
        deployment_id: newId(),
        model_version_node: modelVersion,
        target_id: input.targetId,
        status: input.status ?? 'ACTIVE',
        deployed_time: input.deployedTime ?? now,
        updated_time: now,
      };
      await entities.insertDeployment(db, row);
      const deployment = deploymentState(row);
      await upsertNode(db, {
        id: deployment.nodeId,
        kind: 'deployment',
        label: deploymentLabel(identity?.name ?? model, input.version, target.name),
        attributes: { status: deployment.status, targetName: target.name, startTime: deployment.deployedTime },
        createdTime: deployment.deployedTime,
      });
      const eventId = `deployment:${deployment.deploymentId}`;
      await recordEdge(scope, { from: modelVersion, to: deployment.nodeId, type: 'deployed_to', eventId }, now);
      const targetNode = nodeId('deployment_target', target.target_id);
      await recordEdge(scope, { from: deployment.nodeId, to: targetNode, type: 'deployed_to', eventId }, now);
      audit({
        action: 'lineage.deployment.create',
        entityKind: 'deployment',
        entityId: deployment.deploymentId,
        state: deployment,
      });
      return deployment;
    });
  }

  async setDeploymentStatus(deploymentId: string, status: DeploymentStatus): Promise<Deployment> {
    if (!DEPLOYMENT_STATUSES.includes(status)) throw invalid(`status must be one of ${DEPLOYMENT_STATUSES.join(', ')}`);
    return this.deps.unitOfWork.write(async ({ db, audit }) => {
      const row = await entities.findDeployment(db, deploymentId);
      if (!row) throw notFound(`Deployment ${deploymentId} does not exist`);
      const now = this.deps.now();
      await entities.updateDeploymentStatus(db, deploymentId, status, now);
      const id = nodeId('deployment', deploymentId);
      const node = await findNode(db, id);
      if (node) await upsertNode(db, { ...node, attributes: { ...node.attributes, status } });
      const deployment = deploymentState({ ...row, status, updated_time: now });
      audit({
        action: 'lineage.deployment.update',
        entityKind: 'deployment',
        entityId: deploymentId,
        state: deployment,
      });
      return deployment;
    });
  }

  /**
   * `modelId` may be the registered model's id or name. The model must be registered: its version nodes are named by
   * the registry's id, so lineage declared under a bare name would give the version a second identity.
   */
  async recordModelVersion(input: ModelVersionLineageInput): Promise<ModelVersionLineage> {
    return this.deps.unitOfWork.write(async (scope) => {
      const known = await findModelIdentity(scope.db, input.modelId);
      if (!known) {
        throw notFound(
          `Registered model '${input.modelId}' does not exist: register it first (POST /api/v1/registered-models), ` +
            'then declare the lineage of its versions',
        );
      }
      const resolved = { ...input, modelId: known.modelId, modelName: input.modelName ?? known.name };
      const existed = (await findNode(scope.db, modelVersionNodeId(known.modelId, input.version))) !== undefined;
      const id = await recordModelVersionLineage(scope, resolved, this.deps.now());
      return {
        nodeId: id,
        created: !existed,
        modelId: known.modelId,
        modelName: known.name,
        version: input.version,
      };
    });
  }

  /**
   * Links a registered dataset version to a run as what the run read (`dataset version —consumed→ run`) or wrote
   * (`run —produced→ dataset version`), made by the run. Linking the same pair again changes nothing.
   */
  async linkRunDatasetVersion(runId: string, versionId: string, role: 'input' | 'output') {
    return this.deps.unitOfWork.write(async (scope) => {
      const version = await datasets.findVersion(scope.db, versionId);
      if (!version) throw notFound(`Dataset version ${versionId} does not exist`);
      const run = await ensureRunNode(scope, runId);
      const ends =
        role === 'input'
          ? { from: version.nodeId, to: run, type: 'consumed' as const }
          : { from: run, to: version.nodeId, type: 'produced' as const };
      return recordEdge(scope, { ...ends, runId, eventId: 'api' } satisfies EdgeInput, this.deps.now());
    });
  }

  /** Records that `runId` re-ran `originRunId`: a derived_from edge from the original run to the new one. */
  async linkRunDerivedFrom(runId: string, originRunId: string) {
    if (runId === originRunId) throw invalid('A run cannot be derived from itself');
    return this.deps.unitOfWork.write(async (scope) => {
      const origin = await ensureRunNode(scope, originRunId);
      const run = await ensureRunNode(scope, runId);
      const edge = { from: origin, to: run, type: 'derived_from' as const, runId, eventId: 'api' };
      return recordEdge(scope, edge satisfies EdgeInput, this.deps.now());
    });
  }

  /** Links two existing nodes, e.g. an evaluation run that consumed a model version. */
  async recordEdge(input: { from: string; to: string; type: EdgeType; runId?: string | null }) {
    return this.deps.unitOfWork.write(async (scope) => {
      // Either end may be named as users know it (a model version by its model's name, …).
      const from = await resolveNodeId(scope.db, input.from, 'from');
      const to = await resolveNodeId(scope.db, input.to, 'to');
      // Runs join the graph when first linked: any tracked run may be an endpoint.
      for (const end of [from, to]) {
        const { kind, entityId } = parseNodeId(end);
        if (kind === 'run') await ensureRunNode(scope, entityId);
      }
      if (input.runId) await ensureRunNode(scope, input.runId);
      return recordEdge(scope, { ...input, from, to, eventId: 'api' } satisfies EdgeInput, this.deps.now());
    });
  }

  /** Marks a dataset version as drifted (its data is gone or changed since registration), with when it was seen. */
  async recordDrift(versionId: string, drift: { status: DriftStatus; observedDigest: string | null }) {
    return this.deps.unitOfWork.write(async ({ db, audit }) => {
      const version = await datasets.findVersion(db, versionId);
      if (!version) throw notFound(`Dataset version ${versionId} does not exist`);
      const now = this.deps.now();
      await datasets.updateVersion(db, versionId, {
        drift_status: drift.status,
        drift_observed_digest: drift.observedDigest,
        drift_time: now,
      });
      const updated = (await datasets.findVersion(db, versionId))!;
      await upsertNode(db, datasetVersionNode(updated));
      audit({
        action: 'lineage.dataset_version.drift',
        entityKind: 'dataset_version',
        entityId: versionId,
        state: updated,
      });
      return updated;
    });
  }
}

function checkName(value: string, field: string): void {
  if (value.trim() === '') throw invalid(`${field} must not be empty`);
  if (value.length > 1000) throw invalid(`${field} must be at most 1000 characters`);
}
