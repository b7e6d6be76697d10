import type { ModelVersion, RegisteredModel } from '../../../domain/registry/entities.js';
import { toMap } from '../presenters.js';

/** Registry entities → native JSON: tags as objects, aliases as alias → version. */

export function presentModel(model: RegisteredModel) {
  return {
    ...model,
    tags: toMap(model.tags),
    aliases: Object.fromEntries(model.aliases.map((a) => [a.alias, a.version])),
  };
}

export function presentVersion(version: ModelVersion) {
  return { ...version, tags: toMap(version.tags) };
}
