import { Type } from '@sinclair/typebox';
import { isReadable } from '../../../domain/access/readable-set.js';
import { invalid } from '../../../domain/errors.js';
import type { TransitionTarget } from '../../../domain/registry/approvals/protection.js';
import { parseStage } from '../../../domain/registry/stages.js';
import type { AccessPolicy } from '../../../services/access/access-policy.js';
import type { RegistryService } from '../../../services/registry/registry-service.js';
import { modelAt, transitionRequestAt } from '../../access/locators.js';
import { ADMIN, access, needs, SIGNED_IN } from '../../access/route-access.js';
import {
  ApprovalStateJson,
  ApprovalStateQuery,
  BreakGlassBody,
  CommentBody,
  CreateRequestBody,
  ListRequestsQuery,
  ProtectionJson,
  PutProtectionBody,
  RequestParams,
  RequestReply,
  RequiredCommentBody,
  TransitionRequestJson,
} from '../../approvals/approval-schemas.js';
import { approverOf } from '../../approvals/approver-of.js';
import type { TypedApp } from '../../typed-app.js';
import { presentVersion } from './presenters.js';
import { ModelParams, VersionJson, VersionParams } from './registry-schemas.js';

const tags = ['transition approvals'];
const DecisionReply = Type.Object({
  transitionRequest: TransitionRequestJson,
  modelVersion: Type.Optional(VersionJson),
});

/**
 * Protected transitions: each model's protection rule, and transition requests with their approvals, rejections,
 * comments, withdrawals and break-glass overrides. Approving needs read access here and then the request's own rules
 * (team or role, separation of duties), which the service checks and names when it refuses.
 */
export async function approvalRoutes(
  app: TypedApp,
  { registry, policy }: { registry: RegistryService; policy: AccessPolicy },
) {
  const approvals = registry.approvals;

  app.get(
    '/registered-models/:name/protection',
    {
      config: access(needs('read', modelAt('params', 'name'))),
      schema: { tags, params: ModelParams, response: { 200: ProtectionJson } },
    },
    async (request) => approvals.protection.get(request.params.name),
  );

  app.put(
    '/registered-models/:name/protection',
    {
      config: access(needs('manage', modelAt('params', 'name'))),
      schema: { tags, params: ModelParams, body: PutProtectionBody, response: { 200: ProtectionJson } },
    },
    async (request) => approvals.protection.put(request.params.name, request.body),
  );

  app.delete(
    '/registered-models/:name/protection',
    {
      config: access(needs('manage', modelAt('params', 'name'))),
      schema: { tags, params: ModelParams, response: { 200: ProtectionJson } },
    },
    async (request) => approvals.protection.remove(request.params.name),
  );

  app.get(
    '/registered-models/:name/versions/:version/approval-state',
    {
      config: access(needs('read', modelAt('params', 'name'))),
      schema: { tags, params: VersionParams, querystring: ApprovalStateQuery, response: { 200: ApprovalStateJson } },
    },
    async (request) => {
      const { stage, alias } = request.query;
      const target: TransitionTarget | undefined =
        stage !== undefined && alias === undefined
          ? { stage: parseStage(stage) }
          : alias !== undefined && stage === undefined
            ? { alias }
            : undefined;
      if (!target) throw invalid('Name either a stage or an alias');
      return approvals.stateFor(request.params.name, request.params.version, target);
    },
  );

  app.post(
    '/registered-models/:name/transition-requests',
    {
      config: access(needs('edit', modelAt('params', 'name'))),
      schema: { tags, params: ModelParams, body: CreateRequestBody, response: { 201: RequestReply } },
    },
    async (request, reply) => {
      const created = await approvals.create({ ...request.body, name: request.params.name });
      return reply.status(201).send({ transitionRequest: created });
    },
  );

  app.get(
    '/transition-requests',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        querystring: ListRequestsQuery,
        response: { 200: Type.Object({ transitionRequests: Type.Array(TransitionRequestJson) }) },
      },
    },
    async (request) => {
      const visible = await request.readable('model');
      const { limit, ...filters } = request.query;
      const found = await approvals.list({ ...filters, limit: limit === undefined ? undefined : Number(limit) });
      const readable = [];
      for (const item of found) {
        const id = await policy.modelIdOf(item.name);
        if (id !== undefined && isReadable(visible, id)) readable.push(item);
      }
      return { transitionRequests: readable };
    },
  );

  app.get(
    '/transition-requests/:requestId',
    {
      config: access(needs('read', transitionRequestAt('params', 'requestId'))),
      schema: { tags, params: RequestParams, response: { 200: RequestReply } },
    },
    async (request) => ({ transitionRequest: await approvals.get(request.params.requestId) }),
  );

  app.post(
    '/transition-requests/:requestId/approve',
    {
      config: access(needs('read', transitionRequestAt('params', 'requestId'))),
      schema: { tags, params: RequestParams, body: Type.Optional(CommentBody), response: { 200: DecisionReply } },
    },
    async (request) => {
      const decided = await approvals.approve(
        request.params.requestId,
        approverOf(request, policy),
        request.body?.comment,
      );
      return {
        transitionRequest: decided.request,
        ...(decided.applied ? { modelVersion: presentVersion(decided.applied) } : {}),
      };
    },
  );

  app.post(
    '/transition-requests/:requestId/reject',
    {
      config: access(needs('read', transitionRequestAt('params', 'requestId'))),
      schema: { tags, params: RequestParams, body: Type.Optional(CommentBody), response: { 200: RequestReply } },
    },
    async (request) => ({
      transitionRequest: await approvals.reject(
        request.params.requestId,
        approverOf(request, policy),
        request.body?.comment,
      ),
    }),
  );

  app.post(
    '/transition-requests/:requestId/comment',
    {
      config: access(needs('read', transitionRequestAt('params', 'requestId'))),
      schema: { tags, params: RequestParams, body: RequiredCommentBody, response: { 200: RequestReply } },
    },
    async (request) => ({
      transitionRequest: await approvals.comment(request.params.requestId, request.body.comment),
    }),
  );

  app.post(
    '/transition-requests/:requestId/withdraw',
    {
      config: access(needs('read', transitionRequestAt('params', 'requestId'))),
      schema: { tags, params: RequestParams, body: Type.Optional(CommentBody), response: { 200: RequestReply } },
    },
    async (request) => {
      const { name, isAdmin } = approverOf(request, policy);
      return {
        transitionRequest: await approvals.withdraw(request.params.requestId, { name, isAdmin }, request.body?.comment),
      };
    },
  );

  app.post(
    '/transition-requests/:requestId/break-glass',
    {
      config: access(ADMIN),
      schema: { tags, params: RequestParams, body: BreakGlassBody, response: { 200: DecisionReply } },
    },
    async (request) => {
      const { name, isAdmin } = approverOf(request, policy);
      const decided = await approvals.breakGlass(request.params.requestId, { name, isAdmin }, request.body.reason);
      return {
        transitionRequest: decided.request,
        ...(decided.applied ? { modelVersion: presentVersion(decided.applied) } : {}),
      };
    },
  );
}
