import { Type } from '@sinclair/typebox';
import { REQUEST_STATUSES } from '../../domain/registry/approvals/transition-request.js';
import { literalUnion } from '../literal-union.js';

const Comment = Type.String({ maxLength: 5000 });

export const ActivityJson = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  actor: Type.String(),
  comment: Type.Union([Type.String(), Type.Null()]),
  teams: Type.Array(Type.String()),
  time: Type.Integer(),
});

export const TransitionRequestJson = Type.Object({
  id: Type.String(),
  name: Type.String(),
  version: Type.Integer(),
  stage: Type.Optional(Type.String()),
  alias: Type.Optional(Type.String()),
  archiveExistingVersions: Type.Boolean(),
  requester: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  requiredApprovals: Type.Integer(),
  requiredTeams: Type.Array(Type.String()),
  approvedBy: Type.Array(Type.String()),
  creationTime: Type.Integer(),
  expiryTime: Type.Integer(),
  decisionTime: Type.Union([Type.Integer(), Type.Null()]),
  decidedBy: Type.Union([Type.String(), Type.Null()]),
  decisionComment: Type.Union([Type.String(), Type.Null()]),
  lastUpdatedTime: Type.Integer(),
  activity: Type.Array(ActivityJson),
});

export const RequestReply = Type.Object({ transitionRequest: TransitionRequestJson });

export const CreateRequestBody = Type.Object(
  {
    version: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^[0-9]{1,9}$' })]),
    stage: Type.Optional(Type.String({ maxLength: 100 })),
    alias: Type.Optional(Type.String({ maxLength: 255 })),
    archiveExistingVersions: Type.Optional(Type.Boolean()),
    reason: Type.Optional(Comment),
  },
  { additionalProperties: false },
);

export const ListRequestsQuery = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  version: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
  status: Type.Optional(literalUnion(REQUEST_STATUSES)),
  stage: Type.Optional(Type.String({ maxLength: 100 })),
  alias: Type.Optional(Type.String({ maxLength: 255 })),
  requester: Type.Optional(Type.String({ maxLength: 500 })),
  // Query values arrive as text: a number schema would refuse every limit a client sends.
  limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]{0,2}|1000)$', description: 'requests to list, 1–1000' })),
});

export const RequestParams = Type.Object({ requestId: Type.String({ minLength: 1, maxLength: 100 }) });
export const CommentBody = Type.Object({ comment: Type.Optional(Comment) }, { additionalProperties: false });
export const RequiredCommentBody = Type.Object({ comment: Comment }, { additionalProperties: false });
export const BreakGlassBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 5000 }) },
  { additionalProperties: false },
);

export const ProtectionJson = Type.Object({
  name: Type.String(),
  source: Type.String({ description: "'model': its own rule; 'server': the server's default" }),
  stages: Type.Array(Type.String()),
  aliases: Type.Array(Type.String()),
  approvals: Type.Integer(),
  teams: Type.Array(Type.String()),
});

export const PutProtectionBody = Type.Object(
  {
    stages: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 4 })),
    aliases: Type.Optional(Type.Array(Type.String({ maxLength: 255 }), { maxItems: 100 })),
    approvals: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
    teams: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 250 }), { maxItems: 10 })),
  },
  { additionalProperties: false },
);

export const ApprovalStateQuery = Type.Object({
  stage: Type.Optional(Type.String({ maxLength: 100 })),
  alias: Type.Optional(Type.String({ maxLength: 255 })),
});

export const ApprovalStateJson = Type.Object({
  required: Type.Boolean(),
  approvals: Type.Integer(),
  needed: Type.Integer(),
  pendingRequestId: Type.Optional(Type.String()),
});
