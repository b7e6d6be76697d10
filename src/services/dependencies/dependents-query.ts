import { isReadable, type ReadableSet } from '../../domain/access/readable-set.js';
import type { DeclaredDependency } from '../../domain/dependencies/declared-dependency.js';
import {
  type AffectedRange,
  declaredOverlap,
  installedIsAffected,
  invalidAffectedSpecifier,
} from '../../domain/dependencies/dependents.js';
import { packageKey } from '../../domain/dependencies/environment-report.js';
import { NPM_NAME, normalisePythonName, PYTHON_NAME } from '../../domain/dependencies/package-name.js';
import { providedEnvironment } from '../../domain/dependencies/provided-environment.js';
import { invalid } from '../../domain/errors.js';
import type { EnvironmentSpec } from '../../domain/lineage/environment.js';
import { parseStage } from '../../domain/registry/stages.js';
import * as declared from '../../store/repositories/dependencies/declared-dependency-repository.js';
import * as targetEnvs from '../../store/repositories/dependencies/target-environment-repository.js';
import type { Executor } from '../../store/store.js';

export interface DependentDeployment {
  deploymentId: string;
  target: string;
  /** The package's version in the target's current environment, null when it is not installed there. */
  installed: string | null;
  installedAffected: boolean;
}

export interface DependentVersion {
  model: string;
  version: number;
  stage: string;
  /** The version's declarations of the package; `affectedWitness` is a version both it and the range admit. */
  declarations: (Pick<DeclaredDependency, 'specifier' | 'marker' | 'source'> & { affectedWitness: string | null })[];
  deployments: DependentDeployment[];
}

export interface DependentsAnswer {
  package: AffectedRange;
  stage: string | null;
  alias: string | null;
  modelVersions: DependentVersion[];
  /** The live deployments whose target has an affected version installed. */
  affectedDeployments: (DependentDeployment & { model: string; version: number })[];
}

export interface DependentsQuestion {
  kind: 'pypi' | 'npm';
  name: string;
  specifier: string;
  stage?: string;
  alias?: string;
}

const modelIdOf = (node: string) => node.slice('model_version:'.length, node.lastIndexOf('/'));
const nodeOf = (modelId: string, version: number) => `model_version:${modelId}/${version}`;

/**
 * The model versions that depend on a package at versions in a range, by what they declare and by what is installed
 * where they are deployed, and the deployments the range touches. Only readable model versions are considered.
 */
export async function findDependents(
  db: Executor,
  question: DependentsQuestion,
  seen: Record<string, string[]>,
  visible: ReadableSet,
): Promise<DependentsAnswer> {
  const range = affectedRange(question);
  const filter = {
    ...(question.stage !== undefined ? { stage: parseStage(question.stage) } : {}),
    ...(question.alias !== undefined ? { alias: question.alias } : {}),
  };
  const key = packageKey(range.kind, range.name);

  const entries = new Map<string, DependentVersion>();
  for (const row of await declared.listDeclaredVersions(db, {
    ...filter,
    declaring: { kind: range.kind, name: range.name },
  })) {
    if (!isReadable(visible, row.model_id)) continue;
    const document = JSON.parse(row.document) as { dependencies: DeclaredDependency[]; allowPrereleases?: boolean };
    const mine = document.dependencies.filter((d) => d.kind === range.kind && d.name === range.name);
    const declarations = mine.map((d) => ({
      specifier: d.specifier,
      ...(d.marker ? { marker: d.marker } : {}),
      source: d.source,
      affectedWitness: declaredOverlap(d, range, seen[key] ?? [], document.allowPrereleases === true),
    }));
    if (declarations.length === 0) continue;
    entries.set(nodeOf(row.model_id, row.version), {
      model: row.model_name,
      version: row.version,
      stage: row.stage,
      declarations,
      deployments: [],
    });
  }

  const targets = await targetEnvs.listTargetsWithEnvironments(db);
  const installedOn = new Map(
    targets.map((t) => [
      t.target_id,
      {
        name: t.name,
        installed: t.document
          ? providedEnvironment(JSON.parse(t.document) as EnvironmentSpec).packages[key]
          : undefined,
      },
    ]),
  );
  const live = (
    await declared.listLiveDeployments(
      db,
      targets.map((t) => t.target_id),
    )
  ).filter((d) => isReadable(visible, modelIdOf(d.model_version_node)));
  const deployment = (d: (typeof live)[number]): DependentDeployment => {
    const target = installedOn.get(d.target_id);
    return {
      deploymentId: d.deployment_id,
      target: target?.name ?? d.target_id,
      installed: target?.installed ?? null,
      installedAffected: installedIsAffected(range, target?.installed),
    };
  };

  // Versions deployed where an affected version is installed depend on it even when they declare nothing.
  const undeclared = live.filter((d) => !entries.has(d.model_version_node) && deployment(d).installedAffected);
  for (const row of await declared.listVersionsIn(
    db,
    undeclared.map((d) => modelIdOf(d.model_version_node)),
    filter,
  )) {
    const node = nodeOf(row.model_id, row.version);
    if (!undeclared.some((d) => d.model_version_node === node)) continue;
    entries.set(node, {
      model: row.model_name,
      version: row.version,
      stage: row.stage,
      declarations: [],
      deployments: [],
    });
  }
  for (const d of live) entries.get(d.model_version_node)?.deployments.push(deployment(d));
  for (const e of entries.values()) {
    e.deployments.sort((a, b) => a.target.localeCompare(b.target) || a.deploymentId.localeCompare(b.deploymentId));
  }

  const modelVersions = [...entries.values()].filter(
    (e) => e.declarations.some((d) => d.affectedWitness !== null) || e.deployments.some((d) => d.installedAffected),
  );
  modelVersions.sort((a, b) => a.model.localeCompare(b.model) || a.version - b.version);
  const affectedDeployments = modelVersions.flatMap((e) =>
    e.deployments.filter((d) => d.installedAffected).map((d) => ({ ...d, model: e.model, version: e.version })),
  );
  return {
    package: range,
    stage: filter.stage ?? null,
    alias: filter.alias ?? null,
    modelVersions,
    affectedDeployments,
  };
}

function affectedRange(question: DependentsQuestion): AffectedRange {
  const name = question.name.trim();
  if (question.kind === 'pypi' && PYTHON_NAME.exec(name)?.[0] !== name) {
    throw invalid(`package '${question.name}' is not a Python package name`);
  }
  if (question.kind === 'npm' && !NPM_NAME.test(name)) {
    throw invalid(`package '${question.name}' is not an npm package name`);
  }
  const range: AffectedRange = {
    kind: question.kind,
    name: question.kind === 'pypi' ? normalisePythonName(name) : name,
    specifier: question.specifier.trim(),
  };
  const bad = invalidAffectedSpecifier(range);
  if (bad !== null) throw invalid(bad);
  return range;
}
