import { Type } from '@sinclair/typebox';
import { QueryInteger, RepeatableQuery } from './wire-values.js';

/**
 * Request shapes of MLflow's model registry API (model_registry.proto). Versions travel as strings ("1") in MLflow's
 * JSON; plain numbers are accepted too. Names, stages, aliases and tags are checked by the registry services.
 */

const Strict = { additionalProperties: false } as const;
const Name = Type.String({ minLength: 1, maxLength: 1000 });
const Text = (maxLength: number) => Type.String({ maxLength });
const Version = Type.Union([Type.String({ maxLength: 20 }), Type.Integer()]);
const KeyValues = Type.Array(Type.Object({ key: Text(1000), value: Text(100_000) }, Strict), { maxItems: 1000 });

export const CreateModelBody = Type.Object(
  { name: Name, tags: Type.Optional(KeyValues), description: Type.Optional(Text(100_000)) },
  Strict,
);

export const RenameModelBody = Type.Object({ name: Name, new_name: Name }, Strict);

export const UpdateModelBody = Type.Object({ name: Name, description: Type.Optional(Text(100_000)) }, Strict);

export const ModelNameBody = Type.Object({ name: Name }, Strict);

export const ModelNameQuery = Type.Object({ name: Name }, Strict);

export const SearchQuery = Type.Object(
  {
    filter: Type.Optional(Text(10_000)),
    max_results: Type.Optional(QueryInteger),
    order_by: Type.Optional(RepeatableQuery),
    page_token: Type.Optional(Text(1000)),
  },
  Strict,
);

export const LatestVersionsBody = Type.Object(
  { name: Name, stages: Type.Optional(Type.Array(Text(100), { maxItems: 10 })) },
  Strict,
);

export const LatestVersionsQuery = Type.Object({ name: Name, stages: Type.Optional(RepeatableQuery) }, Strict);

export const ModelTagBody = Type.Object({ name: Name, key: Text(1000), value: Text(100_000) }, Strict);

export const ModelTagKeyBody = Type.Object({ name: Name, key: Text(1000) }, Strict);

export const SetAliasBody = Type.Object({ name: Name, alias: Text(1000), version: Version }, Strict);

export const AliasBody = Type.Object({ name: Name, alias: Text(1000) }, Strict);

export const AliasQuery = Type.Object({ name: Name, alias: Text(1000) }, Strict);

export const CreateVersionBody = Type.Object(
  {
    name: Name,
    source: Text(4096),
    run_id: Type.Optional(Text(64)),
    tags: Type.Optional(KeyValues),
    run_link: Type.Optional(Text(4096)),
    description: Type.Optional(Text(100_000)),
    // MLflow 3: the LoggedModel the version is registered from.
    model_id: Type.Optional(Text(64)),
  },
  Strict,
);

export const VersionRefBody = Type.Object({ name: Name, version: Version }, Strict);

export const VersionRefQuery = Type.Object({ name: Name, version: Text(20) }, Strict);

export const UpdateVersionBody = Type.Object(
  { name: Name, version: Version, description: Type.Optional(Text(100_000)) },
  Strict,
);

export const TransitionStageBody = Type.Object(
  {
    name: Name,
    version: Version,
    stage: Text(100),
    archive_existing_versions: Type.Optional(Type.Boolean()),
  },
  Strict,
);

export const VersionTagBody = Type.Object(
  { name: Name, version: Version, key: Text(1000), value: Text(100_000) },
  Strict,
);

export const VersionTagKeyBody = Type.Object({ name: Name, version: Version, key: Text(1000) }, Strict);

export const VersionArtifactQuery = Type.Object({ name: Name, version: Text(20), path: Text(4096) }, Strict);
