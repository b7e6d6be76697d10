import { isReadable, type ReadableSet } from '../../domain/access/readable-set.js';
import { satisfiesInstalled } from '../../domain/dependencies/compatibility.js';
import type { DeclaredDependency } from '../../domain/dependencies/declared-dependency.js';
import { packageKey } from '../../domain/dependencies/environment-report.js';
import { NPM_NAME, normalisePythonName, PYTHON_NAME } from '../../domain/dependencies/package-name.js';
import { providedEnvironment } from '../../domain/dependencies/provided-environment.js';
import { type Ecosystem, invalidVersionRange, rangeOverlap } from '../../domain/dependencies/range-overlap.js';
import { invalid } from '../../domain/errors.js';
import type { EnvironmentSpec } from '../../domain/lineage/environment.js';
import { modelVersionNodeId, nodeId, packageNodeId } from '../../domain/lineage/node-id.js';
import { parseStage } from '../../domain/registry/stages.js';
import * as declared from '../../store/repositories/dependencies/declared-dependency-repository.js';
import * as targetEnvs from '../../store/repositories/dependencies/target-environment-repository.js';
import type { Executor } from '../../store/store.js';

export interface PackageImpactQuestion {
  kind: Ecosystem;
  package: string;
  /** The affected versions, in the package's scheme (PEP 440 specifier or npm range). */
  versions: string;
  stage?: string;
  alias?: string;
}

/** One edge of a path, in its lineage direction, with what the edge says about the package. */
export interface ImpactStep {
  from: string;
  to: string;
  type: 'depends_on' | 'provides' | 'deployed_to';
  specifier?: string;
  version?: string;
}

export interface ImpactedVersion {
  nodeId: string;
  model: string;
  version: number;
  stage: string;
  /** The declarations of the package; `witness` is the lowest tried version both it and the range admit. */
  declarations: { specifier: string; marker?: string; witness: string | null }[];
  path: ImpactStep[];
}

export interface ImpactedTarget {
  nodeId: string;
  target: string;
  installed: string;
  path: ImpactStep[];
}

export interface ImpactedDeployment {
  nodeId: string;
  deploymentId: string;
  model: string;
  version: number;
  stage: string;
  target: string;
  installed: string;
  path: ImpactStep[];
}

export interface PackageImpact {
  package: { kind: Ecosystem; name: string; nodeId: string };
  versions: string;
  stage: string | null;
  alias: string | null;
  modelVersions: ImpactedVersion[];
  targets: ImpactedTarget[];
  deployments: ImpactedDeployment[];
}

const byModelVersion = (a: { model: string; version: number }, b: { model: string; version: number }) =>
  a.model.localeCompare(b.model) || a.version - b.version;

/**
 * What a range of a package's versions touches (a CVE's affected versions, say), read along the package edges of
 * the lineage graph: the model versions whose declaration admits a version in the range (see range-overlap.ts),
 * the targets whose current environment has a version in the range installed, and the live deployments on those
 * targets. Model versions the caller may not read are left out before anything is counted, deployments of them too.
 */
export async function packageImpact(
  db: Executor,
  question: PackageImpactQuestion,
  visible: ReadableSet,
): Promise<PackageImpact> {
  const { kind } = question;
  const name = packageName(kind, question.package);
  const bad = invalidVersionRange(kind, question.versions);
  if (bad !== null) throw invalid(`versions: ${bad}`);
  const range = question.versions.trim();
  const filter = {
    ...(question.stage !== undefined ? { stage: parseStage(question.stage) } : {}),
    ...(question.alias !== undefined ? { alias: question.alias } : {}),
  };
  const packageId = packageNodeId(kind, name);

  const modelVersions: ImpactedVersion[] = [];
  for (const row of await declared.listDeclaredVersions(db, { ...filter, declaring: { kind, name } })) {
    if (!isReadable(visible, row.model_id)) continue;
    const document = JSON.parse(row.document) as { dependencies: DeclaredDependency[]; allowPrereleases?: boolean };
    const mine = document.dependencies.filter((d) => d.kind === kind && d.name === name);
    if (mine.length === 0) continue;
    const declarations = mine.map((d) => ({
      specifier: d.specifier,
      ...(d.marker ? { marker: d.marker } : {}),
      witness: rangeOverlap({
        ecosystem: kind,
        declared: d.specifier,
        range,
        declaredAllowsPrereleases: document.allowPrereleases === true,
      }),
    }));
    if (declarations.every((d) => d.witness === null)) continue;
    const node = modelVersionNodeId(row.model_id, row.version);
    modelVersions.push({
      nodeId: node,
      model: row.model_name,
      version: row.version,
      stage: row.stage,
      declarations,
      path: [
        {
          from: packageId,
          to: node,
          type: 'depends_on',
          specifier: declarations.map((d) => d.specifier).join(' | '),
        },
      ],
    });
  }
  modelVersions.sort(byModelVersion);

  const targets: ImpactedTarget[] = [];
  for (const t of await targetEnvs.listTargetsWithEnvironments(db)) {
    if (t.document === null) continue;
    const installed = providedEnvironment(JSON.parse(t.document) as EnvironmentSpec).packages[packageKey(kind, name)];
    if (installed === undefined || !satisfiesInstalled(kind, installed, range)) continue;
    const node = nodeId('deployment_target', t.target_id);
    targets.push({
      nodeId: node,
      target: t.name,
      installed,
      path: [{ from: packageId, to: node, type: 'provides', version: installed }],
    });
  }

  const onTarget = new Map(targets.map((t) => [t.nodeId.slice('deployment_target:'.length), t]));
  const live = (await declared.listLiveDeployments(db, [...onTarget.keys()])).map((d) => {
    const entity = d.model_version_node.slice('model_version:'.length);
    const slash = entity.lastIndexOf('/');
    return { ...d, modelId: entity.slice(0, slash), version: Number(entity.slice(slash + 1)) };
  });
  const readable = live.filter((d) => isReadable(visible, d.modelId));
  const versions = new Map(
    (
      await declared.listVersionsIn(
        db,
        readable.map((d) => d.modelId),
        filter,
      )
    ).map((v) => [modelVersionNodeId(v.model_id, v.version), v]),
  );
  const deployments: ImpactedDeployment[] = [];
  for (const d of readable) {
    const version = versions.get(d.model_version_node);
    const target = onTarget.get(d.target_id);
    if (version === undefined || target === undefined) continue;
    const node = nodeId('deployment', d.deployment_id);
    deployments.push({
      nodeId: node,
      deploymentId: d.deployment_id,
      model: version.model_name,
      version: version.version,
      stage: version.stage,
      target: target.target,
      installed: target.installed,
      path: [{ from: node, to: target.nodeId, type: 'deployed_to' }, ...target.path],
    });
  }
  deployments.sort((a, b) => byModelVersion(a, b) || a.target.localeCompare(b.target));

  return {
    package: { kind, name, nodeId: packageId },
    versions: range,
    stage: filter.stage ?? null,
    alias: filter.alias ?? null,
    modelVersions,
    targets,
    deployments,
  };
}

function packageName(kind: Ecosystem, asked: string): string {
  const name = asked.trim();
  if (kind === 'pypi') {
    if (PYTHON_NAME.exec(name)?.[0] !== name) throw invalid(`package: '${asked}' is not a Python package name`);
    return normalisePythonName(name);
  }
  if (!NPM_NAME.test(name)) throw invalid(`package: '${asked}' is not an npm package name`);
  return name;
}
