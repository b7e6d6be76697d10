import { Type } from '@sinclair/typebox';
import { notFound } from '../../domain/errors.js';
import type { RequestActivity, TransitionRequest } from '../../domain/registry/approvals/transition-request.js';
import { parseStage } from '../../domain/registry/stages.js';
import type { Services } from '../../services/services.js';
import { modelAt } from '../access/locators.js';
import { access, needs } from '../access/route-access.js';
import { approverOf } from '../approvals/approver-of.js';
import type { TypedApp } from '../typed-app.js';

/**
 * Databricks' names for stage transition requests (`transition-requests/create|approve|reject|list|delete`), served
 * beside MLflow's routes so its clients and scripts work. A request is found by model, version and stage, as there;
 * its replies carry Databricks' `request`, `activity` and `requests` shapes.
 */

const Strict = { additionalProperties: false } as const;
const Name = Type.String({ minLength: 1, maxLength: 1000 });
const Version = Type.Union([Type.String({ maxLength: 20 }), Type.Integer()]);
const Stage = Type.String({ maxLength: 100 });
const Comment = Type.Optional(Type.String({ maxLength: 5000 }));

const CreateBody = Type.Object({ name: Name, version: Version, stage: Stage, comment: Comment }, Strict);
const ApproveBody = Type.Object(
  {
    name: Name,
    version: Version,
    stage: Stage,
    archive_existing_versions: Type.Optional(Type.Boolean()),
    comment: Comment,
  },
  Strict,
);
const RejectBody = Type.Object({ name: Name, version: Version, stage: Stage, comment: Comment }, Strict);
const DeleteBody = Type.Object(
  {
    name: Name,
    version: Version,
    stage: Stage,
    creator: Type.Optional(Type.String({ maxLength: 500 })),
    comment: Comment,
  },
  Strict,
);
const ListQuery = Type.Object({ name: Name, version: Type.String({ maxLength: 20 }) }, Strict);

const ACTIVITY_TYPE: Record<RequestActivity['kind'], string> = {
  request: 'REQUESTED_TRANSITION',
  approve: 'APPROVED_REQUEST',
  reject: 'REJECTED_REQUEST',
  withdraw: 'CANCELLED_REQUEST',
  comment: 'NEW_COMMENT',
  expire: 'SYSTEM_TRANSITION',
  break_glass: 'APPLIED_TRANSITION',
};

function presentRequest(request: TransitionRequest) {
  return {
    id: request.id,
    creation_timestamp: request.creationTime,
    to_stage: request.stage ?? '',
    user_id: request.requester,
    ...(request.reason !== null ? { comment: request.reason } : {}),
    status: request.status,
    approved_by: request.approvedBy,
    required_approvals: request.requiredApprovals,
    required_teams: request.requiredTeams,
  };
}

function presentActivity(request: TransitionRequest, kind: RequestActivity['kind']) {
  const activity = request.activity.filter((a) => a.kind === kind).at(-1);
  if (!activity) return {};
  return {
    id: activity.id,
    creation_timestamp: activity.time,
    last_updated_timestamp: activity.time,
    user_id: activity.actor,
    activity_type: ACTIVITY_TYPE[activity.kind],
    to_stage: request.stage ?? '',
    ...(activity.comment !== null ? { comment: activity.comment } : {}),
    ...(request.status === 'approved'
      ? { system_comment: `Quorum reached: version ${request.version} moved to ${request.stage}` }
      : {}),
  };
}

export async function mlflowTransitionRequestRoutes(app: TypedApp, { services }: { services: Services }) {
  const approvals = services.registry.approvals;
  const policy = services.access.policy;
  const pending = (name: string, version: string | number, stage: string) =>
    approvals.pendingFor(name, String(version), { stage: parseStage(stage) });

  app.post(
    '/transition-requests/create',
    { config: access(needs('edit', modelAt('body', 'name'))), schema: { body: CreateBody } },
    async (request) => {
      const { name, version, stage, comment } = request.body;
      return { request: presentRequest(await approvals.create({ name, version, stage, reason: comment })) };
    },
  );

  app.post(
    '/transition-requests/approve',
    { config: access(needs('read', modelAt('body', 'name'))), schema: { body: ApproveBody } },
    async (request) => {
      const { name, version, stage, comment } = request.body;
      const open = await pending(name, version, stage);
      const decided = await approvals.approve(open.id, approverOf(request, policy), comment);
      return { activity: presentActivity(decided.request, 'approve') };
    },
  );

  app.post(
    '/transition-requests/reject',
    { config: access(needs('read', modelAt('body', 'name'))), schema: { body: RejectBody } },
    async (request) => {
      const { name, version, stage, comment } = request.body;
      const open = await pending(name, version, stage);
      const rejected = await approvals.reject(open.id, approverOf(request, policy), comment);
      return { activity: presentActivity(rejected, 'reject') };
    },
  );

  app.get(
    '/transition-requests/list',
    { config: access(needs('read', modelAt('query', 'name'))), schema: { querystring: ListQuery } },
    async (request) => {
      const { name, version } = request.query;
      const open = await approvals.list({ name, version, status: 'pending' });
      return { requests: open.filter((r) => r.stage !== undefined).map(presentRequest) };
    },
  );

  app.delete(
    '/transition-requests/delete',
    { config: access(needs('read', modelAt('body', 'name'))), schema: { body: DeleteBody } },
    async (request) => {
      const { name, version, stage, creator, comment } = request.body;
      const open = await pending(name, version, stage);
      if (creator !== undefined && creator !== open.requester) {
        throw notFound(`No pending request by '${creator}' for version ${version} of '${name}' to stage ${stage}`);
      }
      const { name: actor, isAdmin } = approverOf(request, policy);
      await approvals.withdraw(open.id, { name: actor, isAdmin }, comment);
      return {};
    },
  );
}
