import { Type } from '@sinclair/typebox';
import { EDGE_TYPES } from '../../../domain/lineage/edge-types.js';
import { REVALIDATION_CAUSES } from '../../../domain/registry/revalidation.js';
import { literalUnion } from '../../literal-union.js';

/** A model version's revalidation flag as the native API sends it (src/sdk/wire RevalidationFlag). */
export const RevalidationFlagJson = Type.Object({
  id: Type.String(),
  modelId: Type.String(),
  name: Type.String(),
  version: Type.Integer(),
  cause: Type.Object({
    kind: literalUnion(REVALIDATION_CAUSES),
    upstreamNodeId: Type.String(),
    upstreamLabel: Type.String(),
    replacedNodeId: Type.String(),
    description: Type.String(),
  }),
  path: Type.Array(
    Type.Object({
      from: Type.String(),
      to: Type.String(),
      type: literalUnion(EDGE_TYPES),
      runId: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  raisedTime: Type.Integer(),
  cleared: Type.Union([
    Type.Object({
      time: Type.Integer(),
      by: literalUnion(['evaluation', 'manual'] as const),
      actor: Type.String(),
      reason: Type.String(),
    }),
    Type.Null(),
  ]),
});
