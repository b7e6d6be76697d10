import { isReadable, type ReadableSet } from '../../domain/access/readable-set.js';
import { type DeclarationInput, declarationsFromApi } from '../../domain/dependencies/api-declaration.js';
import { coDeploymentConflicts } from '../../domain/dependencies/co-deployment.js';
import { type CompatibilityResult, checkCompatibility } from '../../domain/dependencies/compatibility.js';
import { type DeclarationConflict, declarationConflicts } from '../../domain/dependencies/declaration-conflicts.js';
import type { DeclaredDependencies, DeclaredDependency } from '../../domain/dependencies/declared-dependency.js';
import { changesTouching } from '../../domain/dependencies/environment-change.js';
import { reportedPackageMap } from '../../domain/dependencies/environment-report.js';
import { indexedRequirements } from '../../domain/dependencies/indexed-requirement.js';
import { providedEnvironment } from '../../domain/dependencies/provided-environment.js';
import {
  isDeclarationFile,
  type ReportFormat,
  readDeclarationFile,
  readEnvironmentReport,
} from '../../domain/dependencies/read-dependency-files.js';
import { type ResolveResult, resolveNewest } from '../../domain/dependencies/resolve.js';
import type { ColumnSchema } from '../../domain/dependencies/schema-impact.js';
import { canonicalChange, type PackageChange, type WhatIfBreak, whatIf } from '../../domain/dependencies/what-if.js';
import { invalid, notFound } from '../../domain/errors.js';
import { type EnvironmentSpec, environmentDigest, normaliseEnvironment } from '../../domain/lineage/environment.js';
import { nodeId } from '../../domain/lineage/node-id.js';
import type { DeclaredDependenciesState } from '../../domain/provenance/audit-events/dependency-states.js';
import {
  deploymentTargetState,
  environmentState,
  type TargetEnvironmentSetState,
} from '../../domain/provenance/audit-events/lineage-states.js';
import { canonicalJson } from '../../domain/provenance/canonical-json.js';
import * as declared from '../../store/repositories/dependencies/declared-dependency-repository.js';
import * as targetEnvs from '../../store/repositories/dependencies/target-environment-repository.js';
import * as entities from '../../store/repositories/lineage/entity-repository.js';
import { upsertNode } from '../../store/repositories/lineage/node-repository.js';
import type { Executor } from '../../store/store.js';
import { recordEdge } from '../lineage/graph-writer.js';
import { parseVersionNumber, requireModel, requireVersion } from '../registry/model-lookup.js';
import type { LineageDeps } from '../service-deps.js';
import type { WriteScope } from '../unit-of-work.js';
import { changedDeclarations } from './changed-declarations.js';
import { type DependentsAnswer, type DependentsQuestion, findDependents } from './dependents-query.js';
import { findSchemaImpact, type SchemaImpactAnswer } from './schema-impact-query.js';

/**
 * Where a version's declarations came from as a whole: its files (possibly with what its run's environment added),
 * its run's environment alone, or the API (which replaces the rest).
 */
export type DeclarationOrigin = 'files' | 'api' | 'run_environment';

export interface DeclaredView {
  model: string;
  version: number;
  origin: DeclarationOrigin | null;
  dependencies: DeclaredDependency[];
  skipped: DeclaredDependencies['skipped'];
  allowPrereleases: boolean;
  conflicts: DeclarationConflict[];
  updatedTime: number | null;
}

export interface TargetEnvironmentView {
  target: string;
  version: number | null;
  environmentId: string | null;
  environment: EnvironmentSpec | null;
  setTime: number | null;
}

export interface StoredDeclarations {
  dependencies: DeclaredDependency[];
  skipped: DeclaredDependencies['skipped'];
  allowPrereleases: boolean;
  /** What the source run used that the files declare otherwise; shown among the conflicts, not checked. */
  notApplied?: DeclaredDependency[];
}
type StoredDocument = StoredDeclarations;

/** Targets a version is checked against at once; more are checked one at a time. */
const MAX_CHECKED_TARGETS = 50;
const RESOLVE_LIMITS = { maxSteps: 200_000, deadlineMs: 2_000 };

/**
 * Dependencies of model versions, environments of deployment targets, and the questions asked of both: is a version
 * compatible with a target, what would an upgrade break, what is the newest version everything deployed accepts.
 */
export class DependencyService {
  constructor(private readonly deps: LineageDeps) {}

  async getDeclared(modelName: string, versionText: string | number): Promise<DeclaredView> {
    const db = this.deps.store.db;
    const model = await requireModel(db, modelName);
    const version = parseVersionNumber(versionText);
    await requireVersion(db, model, version);
    const row = await declared.findDeclared(db, model.model_id, version);
    const doc: StoredDocument = row
      ? (JSON.parse(row.document) as StoredDocument)
      : { dependencies: [], skipped: [], allowPrereleases: false };
    const { notApplied, ...inForce } = doc;
    return {
      model: model.name,
      version,
      origin: (row?.origin as DeclarationOrigin | undefined) ?? null,
      ...inForce,
      conflicts: declarationConflicts([...doc.dependencies, ...(notApplied ?? [])]),
      updatedTime: row?.updated_time ?? null,
    };
  }

  /**
   * Declares (or corrects) what a version needs: structured declarations, files as a model folder holds them
   * (MLmodel, requirements.txt, conda.yaml, python_env.yaml), or both. The new declarations replace the old ones.
   */
  async setDeclared(
    modelName: string,
    versionText: string | number,
    input: { dependencies?: DeclarationInput[]; files?: { name: string; content: string }[] },
  ): Promise<DeclaredView> {
    const fromApi = declarationsFromApi(input.dependencies ?? []);
    const fromFiles = readDeclarationFiles(input.files ?? []);
    const document: StoredDocument = {
      dependencies: [...fromFiles.dependencies, ...fromApi],
      skipped: fromFiles.skipped,
      allowPrereleases: fromFiles.allowPrereleases ?? false,
    };
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      const model = await requireModel(db, modelName);
      const version = parseVersionNumber(versionText);
      await requireVersion(db, model, version);
      await saveDeclaredDocument({ db, audit }, model.model_id, version, document, 'api', this.deps.now());
    });
    return this.getDeclared(modelName, versionText);
  }

  /**
   * Sets a target's environment from a report (pip freeze, pip list JSON, a lockfile, a conda export). The
   * environment is content-addressed; an unchanged one makes no new version, a changed one makes the next.
   */
  async setTargetEnvironment(
    targetName: string,
    input: {
      file: string;
      content: string;
      format?: ReportFormat;
      os?: string;
      runtime?: string;
      hardware?: Record<string, string | number>;
      containerImageDigest?: string | null;
    },
  ): Promise<TargetEnvironmentView & { changed: boolean }> {
    const report = readEnvironmentReport(input.file, input.content, input.format);
    const packages = reportedPackageMap(report);
    return this.deps.unitOfWork.write(async (scope) => {
      const { db, audit } = scope;
      const target = await requireTarget(db, targetName);
      const current = target.environment_id ? await entities.findEnvironment(db, target.environment_id) : undefined;
      const previous = current ? (JSON.parse(current.document) as EnvironmentSpec) : null;
      const spec = normaliseEnvironment({
        os: input.os ?? previous?.os ?? '',
        runtime: input.runtime ?? (report.python ? `python ${report.python}` : (previous?.runtime ?? '')),
        packages,
        hardware: input.hardware ?? previous?.hardware ?? {},
        containerImageDigest:
          input.containerImageDigest !== undefined
            ? input.containerImageDigest
            : (previous?.containerImageDigest ?? null),
      });
      const environmentId = environmentDigest(spec);
      const latest = await targetEnvs.latestTargetEnvironment(db, target.target_id);
      if (latest?.environment_id === environmentId && target.environment_id === environmentId) {
        return { ...environmentView(target.name, latest, spec), changed: false };
      }
      const now = this.deps.now();
      await storeEnvironment(scope, environmentId, spec, now);
      const row = {
        target_id: target.target_id,
        version: (latest?.version ?? 0) + 1,
        environment_id: environmentId,
        source_format: input.format ?? 'auto',
        set_time: now,
      };
      await targetEnvs.insertTargetEnvironment(db, row);
      await targetEnvs.setTargetEnvironmentId(db, target.target_id, environmentId);
      const targetNode = nodeId('deployment_target', target.target_id);
      await upsertNode(db, {
        id: targetNode,
        kind: 'deployment_target',
        label: target.name,
        attributes: { environmentId },
        createdTime: target.created_time,
      });
      await recordEdge(scope, { from: nodeId('environment', environmentId), to: targetNode, type: 'depends_on' }, now);
      audit({
        action: 'lineage.deployment_target.set_environment',
        entityKind: 'deployment_target',
        entityId: target.target_id,
        state: {
          ...deploymentTargetState({ ...target, environment_id: environmentId }),
          environmentVersion: {
            version: row.version,
            environmentId,
            sourceFormat: row.source_format,
            setTime: row.set_time,
          },
        } satisfies TargetEnvironmentSetState,
      });
      if (previous && target.environment_id) {
        await this.flagTouchedDeployments(scope, {
          targetId: target.target_id,
          targetName: target.name,
          version: row.version,
          before: { id: target.environment_id, spec: previous },
          after: { id: environmentId, spec },
        });
      }
      return { ...environmentView(target.name, row, spec), changed: true };
    });
  }

  /**
   * Flags for revalidation the model versions deployed on a target whose environment changed in something they
   * declare (a package they name moved, appeared or went away; the runtime, when they declare one). Versions that
   * declare nothing are not flagged: nothing says the change concerns them.
   */
  private async flagTouchedDeployments(
    scope: WriteScope,
    change: {
      targetId: string;
      targetName: string;
      version: number;
      before: { id: string; spec: EnvironmentSpec };
      after: { id: string; spec: EnvironmentSpec };
    },
  ): Promise<void> {
    const revalidation = this.deps.upstreamChanges;
    if (!revalidation) return;
    const targetNode = nodeId('deployment_target', change.targetId);
    const environmentNode = nodeId('environment', change.after.id);
    const seen = new Set<string>();
    for (const deployment of await declared.listLiveDeployments(scope.db, [change.targetId])) {
      const versionNode = deployment.model_version_node;
      if (seen.has(versionNode)) continue;
      seen.add(versionNode);
      const entity = versionNode.slice(versionNode.indexOf(':') + 1);
      const modelId = entity.slice(0, entity.lastIndexOf('/'));
      const version = Number(entity.slice(entity.lastIndexOf('/') + 1));
      const row = await declared.findDeclared(scope.db, modelId, version);
      if (!row) continue;
      const touched = changesTouching(
        (JSON.parse(row.document) as StoredDocument).dependencies,
        change.before.spec,
        change.after.spec,
      );
      if (touched.length === 0) continue;
      const deploymentNode = nodeId('deployment', deployment.deployment_id);
      await revalidation.flagVersion(scope, {
        modelId,
        version,
        cause: {
          kind: 'environment_change',
          upstreamNodeId: environmentNode,
          upstreamLabel: `${change.targetName} environment v${change.version}`,
          replacedNodeId: nodeId('environment', change.before.id),
          description: `The environment of deployment target ${change.targetName} changed: ${touched.join(', ')}`,
        },
        path: [
          { from: environmentNode, to: targetNode, type: 'depends_on', runId: null },
          { from: versionNode, to: deploymentNode, type: 'deployed_to', runId: null },
          { from: deploymentNode, to: targetNode, type: 'deployed_to', runId: null },
        ],
      });
    }
  }

  /** The target's environment now, or the one in force at `at` (milliseconds since the epoch). */
  async getTargetEnvironment(targetName: string, at?: number): Promise<TargetEnvironmentView> {
    const db = this.deps.store.db;
    const target = await requireTarget(db, targetName);
    const row =
      at === undefined
        ? await targetEnvs.latestTargetEnvironment(db, target.target_id)
        : await targetEnvs.targetEnvironmentAt(db, target.target_id, at);
    if (!row) return { target: target.name, version: null, environmentId: null, environment: null, setTime: null };
    const env = await entities.findEnvironment(db, row.environment_id);
    return environmentView(target.name, row, env ? (JSON.parse(env.document) as EnvironmentSpec) : null);
  }

  /** Model version × target: compatible or not, with every violated constraint. */
  async check(
    modelName: string,
    versionText: string | number,
    targetName: string,
  ): Promise<
    CompatibilityResult & { model: string; version: number; target: string; conflicts: DeclarationConflict[] }
  > {
    const view = await this.getDeclared(modelName, versionText);
    const env = await this.getTargetEnvironment(targetName);
    if (env.environment === null) {
      throw invalid(`Deployment target '${targetName}' has no environment yet; set one with mnemo targets env set`);
    }
    const result = checkCompatibility(view.dependencies, providedEnvironment(env.environment));
    return { model: view.model, version: view.version, target: env.target, conflicts: view.conflicts, ...result };
  }

  /**
   * Model version × every target with an environment (the first MAX_CHECKED_TARGETS by name): what the version page
   * shows, so a reader sees at once where the version can run and why not elsewhere.
   */
  async checkAllTargets(modelName: string, versionText: string | number) {
    const view = await this.getDeclared(modelName, versionText);
    const targets = await entities.listTargetsWithEnvironment(this.deps.store.db, MAX_CHECKED_TARGETS + 1);
    const results = [];
    for (const { name } of targets.slice(0, MAX_CHECKED_TARGETS)) {
      const env = await this.getTargetEnvironment(name);
      if (env.environment === null) continue;
      results.push({ target: name, ...checkCompatibility(view.dependencies, providedEnvironment(env.environment)) });
    }
    return {
      model: view.model,
      version: view.version,
      targets: results,
      truncated: targets.length > MAX_CHECKED_TARGETS,
    };
  }

  /**
   * What the changes would break on one target or on all, among the deployments of model versions the caller may
   * read (the others are neither shown nor counted).
   */
  async whatIf(
    input: { target?: string; allTargets?: boolean; changes: PackageChange[] },
    visible: ReadableSet,
  ): Promise<{ breaks: (WhatIfBreak & { model: string; version: number })[]; targetsChecked: number }> {
    const changes = input.changes.map(canonicalChange);
    const { targets, modelIds } = await this.loadTargets(input.target, input.allTargets ?? false, visible);
    const { declarations, names } = await changedDeclarations(this.deps.store.db, modelIds, changes);
    const breaks = whatIf(targets, (mv) => declarations.get(mv) ?? [], changes);
    return {
      // Built field by field: spreading thousands of breaks into new objects cost more than finding them.
      breaks: breaks.map((b) => {
        const { model, version } = names.get(b.modelVersion) ?? { model: '', version: 0 };
        return {
          target: b.target,
          modelVersion: b.modelVersion,
          violation: b.violation,
          newlyBroken: b.newlyBroken,
          model,
          version,
        };
      }),
      targetsChecked: targets.length,
    };
  }

  /** The newest version of each installed package that keeps every (readable) deployed model compatible. */
  async resolve(
    targetName: string,
    prereleases: boolean,
    visible: ReadableSet,
  ): Promise<ResolveResult & { target: string }> {
    const fleet = await this.loadFleet(targetName, false, visible);
    const target = fleet.targets[0];
    if (!target) throw notFound(`Deployment target '${targetName}' does not exist`);
    const seen = await seenVersions(this.deps.store.db);
    const models = target.deployed.map((mv) => ({
      modelVersion: labelOf(fleet.names.get(mv), mv),
      dependencies: fleet.declarations.get(mv) ?? [],
    }));
    const result = resolveNewest(target.env.packages, models, seen, {
      ...RESOLVE_LIMITS,
      now: this.deps.now,
      prereleases,
    });
    return { target: target.target, ...result };
  }

  /** Packages no single known version satisfies for every (readable) model deployed on the target. */
  async coDeploymentConflicts(targetName: string, visible: ReadableSet) {
    const fleet = await this.loadFleet(targetName, false, visible);
    const target = fleet.targets[0];
    if (!target) throw notFound(`Deployment target '${targetName}' does not exist`);
    const seen = await seenVersions(this.deps.store.db);
    for (const [key, version] of Object.entries(target.env.packages)) seen[key] = [...(seen[key] ?? []), version];
    return coDeploymentConflicts(
      target.deployed.map((mv) => ({
        modelVersion: labelOf(fleet.names.get(mv), mv),
        dependencies: fleet.declarations.get(mv) ?? [],
      })),
      seen,
    );
  }

  /** Which readable model versions and deployments depend on a package at versions in a range. */
  async dependents(question: DependentsQuestion, visible: ReadableSet): Promise<DependentsAnswer> {
    const db = this.deps.store.db;
    return findDependents(db, question, await seenVersions(db), visible);
  }

  /** The readable model versions that read a column a dataset's schema change removes or retypes. */
  async schemaImpact(
    question: { dataset: string; before: ColumnSchema; after: ColumnSchema },
    visible: ReadableSet,
  ): Promise<SchemaImpactAnswer> {
    return findSchemaImpact(this.deps.store.db, question, visible);
  }

  /** The targets asked about with their environments and the readable model versions deployed on each. */
  private async loadTargets(targetName: string | undefined, allTargets: boolean, visible: ReadableSet) {
    const db = this.deps.store.db;
    if (!allTargets && targetName === undefined) throw invalid('Name a target, or ask about all targets');
    const all = await targetEnvs.listTargetsWithEnvironments(db);
    const chosen = allTargets ? all : all.filter((t) => t.name === targetName);
    if (!allTargets && chosen.length === 0) throw notFound(`Deployment target '${targetName}' does not exist`);
    const withEnv = chosen.filter((t) => t.document !== null);
    if (!allTargets && withEnv.length === 0) {
      throw invalid(`Deployment target '${targetName}' has no environment yet; set one with mnemo targets env set`);
    }
    const deployments = await declared.listLiveDeployments(
      db,
      withEnv.map((t) => t.target_id),
    );
    const modelIdOf = (node: string) => node.slice('model_version:'.length, node.lastIndexOf('/'));
    const readableDeployments = deployments.filter((d) => isReadable(visible, modelIdOf(d.model_version_node)));
    // Grouped once: scanning every deployment for each of a hundred targets cost more than the question.
    const deployedOn = new Map<string, Set<string>>();
    for (const d of readableDeployments) {
      const nodes = deployedOn.get(d.target_id) ?? new Set<string>();
      nodes.add(d.model_version_node);
      deployedOn.set(d.target_id, nodes);
    }
    const targets = withEnv.map((t) => ({
      target: t.name,
      env: providedEnvironment(JSON.parse(t.document as string) as EnvironmentSpec),
      deployed: [...(deployedOn.get(t.target_id) ?? [])],
    }));
    return { targets, modelIds: [...new Set(readableDeployments.map((d) => modelIdOf(d.model_version_node)))] };
  }

  /** The targets asked about, as loadTargets gives them, with every declaration of the models deployed there. */
  private async loadFleet(targetName: string | undefined, allTargets: boolean, visible: ReadableSet) {
    const { targets, modelIds } = await this.loadTargets(targetName, allTargets, visible);
    const rows = await declared.listDeclaredOfModels(this.deps.store.db, modelIds);
    const declarations = new Map<string, DeclaredDependency[]>();
    const names = new Map<string, { model: string; version: number }>();
    for (const row of rows) {
      const node = `model_version:${row.model_id}/${row.version}`;
      declarations.set(node, (JSON.parse(row.document) as StoredDocument).dependencies);
      names.set(node, { model: row.model_name, version: row.version });
    }
    return { targets, declarations, names };
  }
}

const labelOf = (name: { model: string; version: number } | undefined, node: string): string =>
  name ? `${name.model}/${name.version}` : node;

/** Reads every declaration file given; an MLmodel's environment files must be among them to be read. */
export function readDeclarationFiles(files: readonly { name: string; content: string }[]): DeclaredDependencies {
  const result: DeclaredDependencies = { dependencies: [], skipped: [] };
  for (const file of files) {
    if (!isDeclarationFile(file.name)) {
      throw invalid(`${file.name}: expected MLmodel, requirements.txt, conda.yaml or python_env.yaml`);
    }
    const read = readDeclarationFile(file.name, file.content);
    result.dependencies.push(...read.dependencies);
    result.skipped.push(...read.skipped);
    if (read.allowPrereleases) result.allowPrereleases = true;
  }
  return result;
}

/** Stores a version's declarations with their audit event, in the caller's transaction. */
export async function saveDeclaredDocument(
  { db, audit }: Pick<WriteScope, 'db' | 'audit'>,
  modelId: string,
  version: number,
  document: StoredDocument,
  origin: DeclarationOrigin,
  now: number,
): Promise<void> {
  await declared.saveDeclared(
    db,
    { model_id: modelId, version, document: JSON.stringify(document), origin, updated_time: now },
    indexedRequirements(document.dependencies),
  );
  const state: DeclaredDependenciesState = {
    modelId,
    version,
    origin,
    dependencies: document.dependencies,
    allowPrereleases: document.allowPrereleases,
    skipped: document.skipped,
    notApplied: document.notApplied ?? [],
    updatedTime: now,
  };
  audit({
    action: 'model_version.set_dependencies',
    entityKind: 'model_version_dependencies',
    entityId: `${modelId}/${version}`,
    state,
  });
}

async function requireTarget(db: Executor, name: string) {
  const target = await entities.findTargetByName(db, name);
  if (!target) throw notFound(`Deployment target '${name}' does not exist`);
  return target;
}

async function storeEnvironment(scope: WriteScope, environmentId: string, spec: EnvironmentSpec, now: number) {
  const { db, audit } = scope;
  if (await entities.findEnvironment(db, environmentId)) return;
  await entities.insertEnvironment(db, {
    environment_id: environmentId,
    document: canonicalJson(spec),
    created_time: now,
  });
  await upsertNode(db, {
    id: nodeId('environment', environmentId),
    kind: 'environment',
    label: `${spec.runtime} on ${spec.os}`,
    attributes: {
      os: spec.os,
      runtime: spec.runtime,
      containerImageDigest: spec.containerImageDigest,
      packages: spec.packages,
    },
    createdTime: now,
  });
  audit({
    action: 'lineage.environment.create',
    entityKind: 'environment',
    entityId: environmentId,
    state: environmentState(spec, now),
  });
}

function environmentView(
  target: string,
  row: { version: number; environment_id: string; set_time: number },
  environment: EnvironmentSpec | null,
): TargetEnvironmentView {
  return { target, version: row.version, environmentId: row.environment_id, environment, setTime: row.set_time };
}

/** Every version of every package that any stored environment holds, per package key. */
export async function seenVersions(db: Executor): Promise<Record<string, string[]>> {
  const seen: Record<string, Set<string>> = {};
  for (const document of await targetEnvs.listEnvironmentDocuments(db)) {
    const spec = JSON.parse(document) as EnvironmentSpec;
    for (const [key, version] of Object.entries(spec.packages)) {
      const versions = seen[key] ?? new Set<string>();
      versions.add(version);
      seen[key] = versions;
    }
  }
  return Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, [...v]]));
}
