import type { FastifyReply } from 'fastify';
import type { TransitionRequest } from '../../domain/registry/approvals/transition-request.js';
import { ApprovalRequiredError } from '../../services/registry/approvals/approval-required.js';

/**
 * Runs a transition; when its target is protected, answers 202 with the transition request made instead. Native
 * routes only: MLflow's clients know no such answer and get the error, which names the request.
 */
export async function orRequested<T>(
  reply: FastifyReply,
  transition: () => Promise<T>,
): Promise<T | { transitionRequest: TransitionRequest }> {
  try {
    return await transition();
  } catch (error) {
    if (!(error instanceof ApprovalRequiredError)) throw error;
    reply.status(202);
    return { transitionRequest: error.request };
  }
}
