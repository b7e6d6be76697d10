import { Type } from '@sinclair/typebox';
import { RevalidationFlagJson } from './revalidation-schemas.js';

/** Request and response shapes of the registry's native API; they also feed /api/v1/openapi.json. */

const Text = (max = 65_535) => Type.String({ maxLength: max });
const NullableText = (max = 65_535) => Type.Union([Type.String({ maxLength: max }), Type.Null()]);
const TagMap = Type.Record(Type.String({ maxLength: 250 }), Type.String({ maxLength: 5000 }), { maxProperties: 100 });
const Metadata = Type.Record(Type.String({ maxLength: 250 }), Type.Unknown(), {
  maxProperties: 500,
  description: 'custom metadata fields, validated against the metadata schema of the record',
});
const SchemaVersion = Type.Integer({ minimum: 1, description: 'the metadata schema version the record uses' });
export const VersionNumber = Type.String({ pattern: '^[0-9]{1,9}$' });
const SchemaRefJson = Type.Union([Type.Object({ subject: Type.String(), version: Type.Integer() }), Type.Null()]);

const CardFields = {
  description: Type.Optional(NullableText()),
  ownerTeam: Type.Optional(NullableText(250)),
  purpose: Type.Optional(NullableText()),
  algorithmFamily: Type.Optional(NullableText(250)),
  taskType: Type.Optional(NullableText(250)),
  intendedUse: Type.Optional(NullableText()),
  limitations: Type.Optional(NullableText()),
  latencyBudgetMs: Type.Optional(Type.Union([Type.Number({ exclusiveMinimum: 0 }), Type.Null()])),
  regulatoryFlags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 })),
};

export const CreateModelBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 500 }),
    ...CardFields,
    tags: Type.Optional(TagMap),
    metadata: Type.Optional(Metadata),
    metadataSchemaVersion: Type.Optional(SchemaVersion),
  },
  { additionalProperties: false },
);

export const UpdateModelBody = Type.Object(
  { ...CardFields, metadata: Type.Optional(Metadata), metadataSchemaVersion: Type.Optional(SchemaVersion) },
  { additionalProperties: false },
);

export const RenameModelBody = Type.Object(
  { newName: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);

export const SetTagsBody = Type.Object({ tags: TagMap }, { additionalProperties: false });

export const SearchBody = Type.Object(
  {
    filter: Type.Optional(Type.String({ maxLength: 10_000 })),
    orderBy: Type.Optional(Type.Array(Type.String({ maxLength: 250 }), { maxItems: 10 })),
    maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    pageToken: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const SearchQuery = Type.Object(
  {
    filter: Type.Optional(Type.String({ maxLength: 10_000 })),
    orderBy: Type.Optional(Type.String({ maxLength: 250 })),
    maxResults: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
    pageToken: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export const SignatureJson = Type.Object(
  { inputs: Type.Unknown(), outputs: Type.Unknown() },
  { additionalProperties: false, description: 'input and output schema of the model, e.g. MLflow signature JSON' },
);

export const CreateVersionBody = Type.Object(
  {
    source: Type.String({
      minLength: 1,
      maxLength: 4096,
      description: "mlflow-artifacts:/<path> or runs:/<run_id>/<path>, under the server's artifact root",
    }),
    runId: Type.Optional(Type.String({ maxLength: 64 })),
    description: Type.Optional(Text()),
    tags: Type.Optional(TagMap),
    signature: Type.Optional(SignatureJson),
    releaseNotes: Type.Optional(Text()),
    metadata: Type.Optional(Metadata),
    metadataSchemaVersion: Type.Optional(SchemaVersion),
  },
  { additionalProperties: false },
);

export const UpdateVersionBody = Type.Object(
  {
    description: Type.Optional(NullableText()),
    releaseNotes: Type.Optional(NullableText()),
    deprecatedBy: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    sunsetTime: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
    metadata: Type.Optional(Metadata),
    metadataSchemaVersion: Type.Optional(SchemaVersion),
  },
  { additionalProperties: false },
);

/** An administrator's break-glass past failed policies: recorded in the audit log with the failures it let through. */
const PolicyOverride = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 5000 }) },
  { additionalProperties: false, description: 'administrators only' },
);

export const TransitionBody = Type.Object(
  {
    stage: Type.String({ maxLength: 32, description: 'None, Staging, Production or Archived' }),
    archiveExistingVersions: Type.Optional(Type.Boolean()),
    reason: Type.Optional(Text(5000)),
    override: Type.Optional(PolicyOverride),
  },
  { additionalProperties: false },
);

export const SetAliasBody = Type.Object(
  { version: Type.Union([Type.Integer({ minimum: 1 }), VersionNumber]), override: Type.Optional(PolicyOverride) },
  { additionalProperties: false },
);

export const LatestQuery = Type.Object(
  { stages: Type.Optional(Type.String({ maxLength: 200, description: 'comma-separated stages' })) },
  { additionalProperties: false },
);

export const ModelJson = Type.Object({
  name: Type.String(),
  description: NullableText(),
  ownerTeam: NullableText(),
  purpose: NullableText(),
  algorithmFamily: NullableText(),
  taskType: NullableText(),
  intendedUse: NullableText(),
  limitations: NullableText(),
  latencyBudgetMs: Type.Union([Type.Number(), Type.Null()]),
  regulatoryFlags: Type.Array(Type.String()),
  creationTime: Type.Integer(),
  lastUpdatedTime: Type.Integer(),
  tags: Type.Record(Type.String(), Type.String()),
  aliases: Type.Record(Type.String(), Type.Integer(), { description: 'alias → version' }),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  metadataSchema: SchemaRefJson,
});

export const VersionJson = Type.Object({
  name: Type.String(),
  version: Type.Integer(),
  creationTime: Type.Integer(),
  lastUpdatedTime: Type.Integer(),
  userId: Type.String(),
  description: NullableText(),
  source: Type.String(),
  runId: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  statusMessage: NullableText(),
  stage: Type.String(),
  aliases: Type.Array(Type.String()),
  tags: Type.Record(Type.String(), Type.String()),
  manifestDigest: Type.String(),
  fileCount: Type.Integer(),
  totalSize: Type.Integer(),
  sourceWithoutFiles: Type.Boolean(),
  loggedModelId: Type.Union([Type.String(), Type.Null()]),
  signature: Type.Union([SignatureJson, Type.Null()]),
  releaseNotes: NullableText(),
  deprecation: Type.Object({
    deprecatedBy: Type.Union([Type.Integer(), Type.Null()]),
    sunsetTime: Type.Union([Type.Integer(), Type.Null()]),
  }),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  metadataSchema: SchemaRefJson,
  /** Sent when one version is read: whether it is flagged for revalidation, and its open flags (cause and path). */
  needsRevalidation: Type.Optional(Type.Boolean()),
  revalidationFlags: Type.Optional(Type.Array(RevalidationFlagJson)),
});

export const ManifestJson = Type.Object({
  name: Type.String(),
  version: Type.Integer(),
  source: Type.String(),
  manifestDigest: Type.String(),
  files: Type.Array(Type.Object({ path: Type.String(), size: Type.Integer(), sha256: Type.String() })),
});

export const TransitionJson = Type.Object({
  name: Type.String(),
  version: Type.Integer(),
  fromStage: Type.Union([Type.String(), Type.Null()]),
  toStage: Type.String(),
  actor: Type.String(),
  reason: NullableText(),
  time: Type.Integer(),
  requestId: Type.Optional(Type.String()),
  approvedBy: Type.Optional(Type.Array(Type.String())),
});

export const ModelParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 500 }) });
export const VersionParams = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 500 }),
  version: VersionNumber,
});
