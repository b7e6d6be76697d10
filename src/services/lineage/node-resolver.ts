import { invalid, notFound } from '../../domain/errors.js';
import { datasetLabel } from '../../domain/lineage/dataset-version.js';
import { modelVersionNodeId, nodeId, parseNodeId } from '../../domain/lineage/node-id.js';
import {
  type MarquezName,
  parseMarquezName,
  splitFeatureVersion,
  splitModelVersion,
} from '../../domain/lineage/node-names.js';
import { findDatasetsNamed, latestVersion } from '../../store/repositories/lineage/dataset-version-repository.js';
import * as entities from '../../store/repositories/lineage/entity-repository.js';
import { findModelIdentity } from '../../store/repositories/lineage/model-identity.js';
import { findNode } from '../../store/repositories/lineage/node-repository.js';
import { findJobsNamed, newestJobRun } from '../../store/repositories/lineage/openlineage-repository.js';
import type { Executor } from '../../store/store.js';

/**
 * The stored node id a caller means. Ids are taken as they are when such a node exists; otherwise the names users
 * know are looked up: a model version by its model's name, a feature version as `<feature>@<version>`, a deployment
 * target by its name, and Marquez's `dataset:<namespace>:<name>` (the dataset's newest version) and
 * `job:<namespace>:<name>` (the run of the job's newest OpenLineage run). Anything else comes back unchanged, so the
 * caller's "does not exist" names what the user typed.
 */
export async function resolveNodeId(db: Executor, id: string, field = 'nodeId'): Promise<string> {
  const marquez = parseMarquezName(id);
  if (marquez) return resolveMarquez(db, id, marquez);
  const { kind, entityId } = parseNodeId(id, field);
  if (await findNode(db, id)) return id;
  switch (kind) {
    case 'model_version': {
      const named = splitModelVersion(entityId);
      const model = named && (await findModelIdentity(db, named.model));
      return model && named ? modelVersionNodeId(model.modelId, named.version) : id;
    }
    case 'feature_version': {
      const named = splitFeatureVersion(entityId);
      const feature = named && (await entities.findFeatureByName(db, named.feature));
      const version = feature && named && (await entities.findFeatureVersion(db, feature.feature_id, named.version));
      return version ? nodeId('feature_version', version.feature_version_id) : id;
    }
    case 'deployment_target': {
      const target = await entities.findTargetByName(db, entityId);
      return target ? nodeId('deployment_target', target.target_id) : id;
    }
    default:
      return id;
  }
}

/**
 * The dataset named `<namespace>:<name>` as Marquez writes it, trying each colon split against the stored datasets.
 * `asked` is what the caller typed, for the error when there is no such dataset or more than one.
 */
export async function datasetByMarquezName(db: Executor, text: string, asked = `Dataset ${text}`) {
  const found = await findDatasetsNamed(db, parseMarquezName(`dataset:${text}`)!.candidates);
  return onlyOne(asked, found, (d) => `namespace '${d.namespace}' with name '${d.name}'`);
}

async function resolveMarquez(db: Executor, id: string, marquez: MarquezName): Promise<string> {
  if (marquez.kind === 'dataset') {
    const dataset = await datasetByMarquezName(db, id.slice('dataset:'.length), `Lineage node ${id}`);
    const version = await latestVersion(db, dataset.dataset_id);
    if (!version) throw notFound(`Dataset ${datasetLabel(dataset.namespace, dataset.name)} has no versions yet`);
    return version.nodeId;
  }
  const job = onlyOne(
    `Lineage node ${id}`,
    await findJobsNamed(db, marquez.candidates),
    (j) => `namespace '${j.namespace}' with name '${j.name}'`,
  );
  const runId = await newestJobRun(db, job);
  if (!runId) throw notFound(`Lineage node ${id} does not exist`);
  return nodeId('run', runId);
}

/** The one entity a Marquez name reads as; none is "does not exist", several is a name that needs saying otherwise. */
function onlyOne<T>(id: string, found: T[], describe: (item: T) => string): T {
  if (found.length === 0) throw notFound(`${id} does not exist`);
  if (found.length > 1) {
    throw invalid(
      `${id} can be read as ${found.map(describe).join(' or as ')}: give the namespace and name apart, or a node id`,
    );
  }
  return found[0]!;
}
