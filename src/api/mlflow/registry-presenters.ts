import type { ModelVersion, RegisteredModel } from '../../domain/registry/entities.js';
import type { KeyValue } from '../../domain/tracking/entities.js';

/**
 * Registry entities → MLflow's JSON: versions as strings, timestamps as `*_timestamp`, unset and empty fields left
 * out. `user_id` is left out too: MLflow's open-source server never sets it, and Mnemo's actor is not a user id yet.
 */

type Json = Record<string, unknown>;

function setIfPresent(target: Json, key: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value) && value.length === 0) return;
  target[key] = value;
}

const pairs = (list: KeyValue[]) => list.map((p) => ({ key: p.key, value: p.value }));

export function presentModelVersion(
  version: ModelVersion,
  options: { withAliases: boolean } = { withAliases: true },
): Json {
  const json: Json = {
    name: version.name,
    version: String(version.version),
    creation_timestamp: version.creationTime,
    last_updated_timestamp: version.lastUpdatedTime,
    current_stage: version.stage,
  };
  // MLflow prints a version's description even when empty.
  json.description = version.description ?? '';
  json.source = version.source;
  setIfPresent(json, 'run_id', version.runId);
  json.status = version.status;
  setIfPresent(json, 'status_message', version.statusMessage);
  setIfPresent(json, 'tags', pairs(version.tags));
  // MLflow stores an empty run link when none is given and prints it; clients read it as "no link".
  json.run_link = '';
  if (options.withAliases) setIfPresent(json, 'aliases', version.aliases);
  return json;
}

/** A registered model with its newest version per stage, which MLflow reports on every read of a model. */
export function presentRegisteredModel(model: RegisteredModel, latestVersions: ModelVersion[]): Json {
  const json: Json = {
    name: model.name,
    creation_timestamp: model.creationTime,
    last_updated_timestamp: model.lastUpdatedTime,
  };
  setIfPresent(json, 'description', model.description);
  // MLflow lists a model's latest versions without their aliases; the model's own `aliases` names them.
  setIfPresent(
    json,
    'latest_versions',
    latestVersions.map((v) => presentModelVersion(v, { withAliases: false })),
  );
  setIfPresent(json, 'tags', pairs(model.tags));
  setIfPresent(
    json,
    'aliases',
    model.aliases.map((a) => ({ alias: a.alias, version: String(a.version) })),
  );
  return json;
}
