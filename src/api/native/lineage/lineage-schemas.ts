import { Type } from '@sinclair/typebox';
import { EDGE_TYPES } from '../../../domain/lineage/edge-types.js';
import { DEPLOYMENT_STATUSES } from '../../../services/lineage/lineage-service.js';
import { literalUnion } from '../../literal-union.js';

/** Request shapes of the native lineage API; they also document it in /api/v1/openapi.json. */

const Name = Type.String({ minLength: 1, maxLength: 1000 });
const Id = Type.String({ minLength: 1, maxLength: 200 });
const NodeId = Type.String({ minLength: 3, maxLength: 300, description: '<kind>:<id>, e.g. dataset_version:…' });
const Optional = <T extends Parameters<typeof Type.Optional>[0]>(schema: T) =>
  Type.Optional(Type.Union([schema, Type.Null()]));

export const Column = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 500 }),
    type: Optional(Type.String({ maxLength: 200 })),
    description: Optional(Type.String({ maxLength: 5000 })),
  },
  { additionalProperties: false },
);

export const QualityCheckBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 500 }),
    passed: Type.Boolean(),
    column: Optional(Type.String({ maxLength: 500 })),
    value: Optional(Type.Number()),
  },
  { additionalProperties: false },
);

export const RegisterDatasetBody = Type.Object(
  { namespace: Name, name: Name, description: Optional(Type.String({ maxLength: 5000 })) },
  { additionalProperties: false },
);

export const RegisterDatasetVersionBody = Type.Object(
  {
    namespace: Name,
    name: Name,
    version: Type.String({ minLength: 1, maxLength: 200 }),
    uri: Optional(Type.String({ maxLength: 4000 })),
    digest: Optional(Type.String({ maxLength: 200 })),
    columns: Optional(Type.Array(Column, { maxItems: 5000 })),
    // Stored in a 64-bit column and read back as a JavaScript number: larger counts would overflow or round.
    rowCount: Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    qualityChecks: Optional(Type.Array(QualityCheckBody, { maxItems: 1000 })),
    producedByRunId: Optional(Id),
  },
  { additionalProperties: false },
);

export const RegisterFeatureBody = Type.Object(
  {
    name: Name,
    version: Type.String({ minLength: 1, maxLength: 200 }),
    description: Optional(Type.String({ maxLength: 5000 })),
    pipeline: Optional(Type.String({ maxLength: 1000 })),
    transformation: Optional(Type.String({ maxLength: 100_000 })),
    codeRefId: Optional(Id),
    inputDatasetVersionIds: Type.Array(Id, { minItems: 1, maxItems: 1000 }),
  },
  { additionalProperties: false },
);

export const RegisterEnvironmentBody = Type.Object(
  {
    os: Type.String({ minLength: 1, maxLength: 500 }),
    runtime: Type.String({ minLength: 1, maxLength: 500 }),
    packages: Type.Record(Type.String({ maxLength: 250 }), Type.String({ maxLength: 250 }), { maxProperties: 10_000 }),
    hardware: Type.Record(
      Type.String({ maxLength: 250 }),
      Type.Union([Type.String({ maxLength: 1000 }), Type.Number()]),
      {
        maxProperties: 100,
      },
    ),
    containerImageDigest: Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const RegisterCodeRefBody = Type.Object(
  {
    repository: Type.String({ minLength: 1, maxLength: 2000 }),
    commit: Type.String({ minLength: 7, maxLength: 64 }),
    dirtyDigest: Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const RegisterTargetBody = Type.Object(
  { name: Name, description: Optional(Type.String({ maxLength: 5000 })), environmentId: Optional(Id) },
  { additionalProperties: false },
);

const DeploymentStatus = literalUnion(DEPLOYMENT_STATUSES);

export const RecordDeploymentBody = Type.Object(
  {
    modelId: Id,
    version: Type.Integer({ minimum: 1 }),
    targetId: Id,
    status: Type.Optional(DeploymentStatus),
    deployedTime: Type.Optional(Type.Integer({ minimum: 0, description: 'milliseconds since the epoch' })),
  },
  { additionalProperties: false },
);

export const DeploymentStatusBody = Type.Object({ status: DeploymentStatus }, { additionalProperties: false });

export const ModelVersionLineageBody = Type.Object(
  {
    modelId: Id,
    version: Type.Integer({ minimum: 1 }),
    modelName: Optional(Name),
    runId: Optional(Id),
    featureVersionIds: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
    environmentId: Optional(Id),
    codeRefId: Optional(Id),
  },
  { additionalProperties: false },
);

/** A registered dataset version a run read (`input`) or wrote (`output`). */
export const RunDatasetBody = Type.Object(
  {
    versionId: Id,
    role: literalUnion(['input', 'output'] as const),
  },
  { additionalProperties: false },
);

export const RunOriginBody = Type.Object({ originRunId: Id }, { additionalProperties: false });

export const EdgeBody = Type.Object(
  {
    from: NodeId,
    to: NodeId,
    type: literalUnion(EDGE_TYPES),
    runId: Optional(Id),
  },
  { additionalProperties: false },
);

export const WalkQuery = Type.Object(
  {
    nodeId: NodeId,
    depth: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$' })),
    edgeTypes: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const DepthQuery = Type.Object(
  { depth: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$' })) },
  { additionalProperties: false },
);

export const PathQuery = Type.Object(
  { from: NodeId, to: NodeId, depth: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$' })) },
  { additionalProperties: false },
);

export const ModelVersionParams = Type.Object({ modelId: Id, version: Type.String({ pattern: '^[1-9][0-9]{0,8}$' }) });
