import type { FastifyRequest } from 'fastify';
import { OPEN_ACCESS_PRINCIPAL } from '../../domain/access/principal.js';
import type { AccessPolicy } from '../../services/access/access-policy.js';
import type { Approver } from '../../services/registry/approvals/approval-service.js';

/** The caller as the approval rules see them: name, teams, and whether they manage a model. */
export function approverOf(request: FastifyRequest, policy: AccessPolicy): Approver {
  const principal = request.principal ?? OPEN_ACCESS_PRINCIPAL;
  return {
    name: principal.name,
    teamIds: principal.teamIds,
    isAdmin: principal.isAdmin,
    manages: async (model) =>
      (await policy.decide(principal, 'manage', { kind: 'model', id: model.id, name: model.name })).allowed,
  };
}
