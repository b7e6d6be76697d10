import { Type } from '@sinclair/typebox';
import { REQUEST_STATUSES } from '../../../domain/registry/approvals/transition-request.js';
import { STAGES } from '../../../domain/registry/stages.js';
import { literalUnion } from '../../literal-union.js';
import { RevalidationFlagJson } from './revalidation-schemas.js';

const TargetJson = Type.Object(
  { stage: Type.Optional(Type.String()), alias: Type.Optional(Type.String()) },
  { description: 'exactly one of stage or alias' },
);

export const VersionStatusQuery = Type.Object(
  {
    versions: Type.Optional(
      Type.String({
        maxLength: 1100,
        description: 'these versions only, comma-separated (at most 100); otherwise the newest page',
      }),
    ),
    maxResults: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: 'versions per page, 1–100' })),
    pageToken: Type.Optional(Type.String({ maxLength: 20, description: "the previous page's nextPageToken" })),
  },
  { additionalProperties: false },
);

/** One version's standing as the model page's versions table shows it (src/sdk/wire VersionStatus). */
export const VersionStatusJson = Type.Object({
  version: Type.Integer(),
  stage: literalUnion(STAGES),
  aliases: Type.Array(Type.String()),
  runId: Type.Union([Type.String(), Type.Null()]),
  metrics: Type.Object({
    hidden: Type.Boolean({ description: 'the source run is in an experiment the caller may not read: no values' }),
    values: Type.Record(Type.String(), Type.Union([Type.Number(), Type.String()]), {
      description: 'latest value of each key metric the run logged; NaN and infinities as strings',
    }),
  }),
  completeness: Type.Object({
    score: Type.Number(),
    present: Type.Integer(),
    expected: Type.Integer(),
    missing: Type.Array(Type.Object({ path: Type.String(), level: Type.String() })),
    schema: Type.Union([Type.Object({ subject: Type.String(), version: Type.Integer() }), Type.Null()]),
  }),
  revalidation: Type.Object({ needed: Type.Boolean(), flags: Type.Array(RevalidationFlagJson) }),
  policies: Type.Array(
    Type.Object({
      target: TargetJson,
      passed: Type.Boolean(),
      policies: Type.Integer({ description: 'how many policies govern the target' }),
      failedRules: Type.Array(Type.String(), { description: 'policy/rule of each failed rule' }),
    }),
  ),
  approval: Type.Union([
    Type.Object({
      requestId: Type.String(),
      status: literalUnion(REQUEST_STATUSES),
      target: TargetJson,
      approvals: Type.Integer(),
      requiredApprovals: Type.Integer(),
      creationTime: Type.Integer(),
    }),
    Type.Null(),
  ]),
});

export const VersionStatusReply = Type.Object({
  name: Type.String(),
  keyMetrics: Type.Array(Type.String(), { description: 'the metric columns: those most versions here logged, ≤ 4' }),
  versions: Type.Array(VersionStatusJson),
  nextPageToken: Type.Optional(Type.String()),
});
