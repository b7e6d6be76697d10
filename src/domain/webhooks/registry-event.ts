import type { ModelVersion, RegisteredModel } from '../registry/entities.js';

/** A registry change that webhooks can be told about, announced once the change has committed. */
export type RegistryEvent =
  | { kind: 'registered_model.created'; model: RegisteredModel }
  | { kind: 'model_version.created'; version: ModelVersion }
  | { kind: 'model_version_tag.set'; name: string; version: number; key: string; value: string }
  | { kind: 'model_version_tag.deleted'; name: string; version: number; key: string }
  | { kind: 'model_version_alias.created'; name: string; alias: string; version: number }
  | { kind: 'model_version_alias.deleted'; name: string; alias: string };
