import { RuleCompileError } from '../../../domain/governance/policy-language.js';
import { PolicyFailedError } from '../../../domain/governance/policy-verdict.js';
import { MetadataViolationError } from '../../../services/registry/metadata-gate.js';
import { SchemaIncompatibleError } from '../../../services/registry/schema-service.js';
import type { Services } from '../../../services/services.js';
import type { TypedApp } from '../../typed-app.js';
import { approvalRoutes } from './approval-routes.js';
import { completenessRoutes } from './completeness-routes.js';
import { evaluationRoutes } from './evaluation-routes.js';
import { governanceRoutes } from './governance-routes.js';
import { modelRoutes } from './model-routes.js';
import { policyRoutes } from './policy-routes.js';
import { revalidationRoutes } from './revalidation-routes.js';
import { schemaRoutes } from './schema-routes.js';
import { versionRoutes } from './version-routes.js';
import { versionStatusRoutes } from './version-status-routes.js';

/**
 * Every registry route under /api/v1. Two refusals carry their details beside the usual error fields: a metadata
 * document breaking its schema (400, `violations`: every path and message) and a schema version breaking its
 * subject's compatibility mode (409, `problems`: every reason). A transition refused by policy answers 409
 * `POLICY_FAILED` with `failures` (every failed rule and the values it saw), and a rule that does not compile 400 with
 * its `rule` and `position`. Other errors go on to the app's error handler.
 */
export async function registryRoutes(app: TypedApp, { services }: { services: Services }) {
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof MetadataViolationError) {
      return reply.status(400).send({
        error_code: error.code,
        message: error.message,
        schema: error.schema,
        violations: error.violations,
      });
    }
    if (error instanceof SchemaIncompatibleError) {
      return reply.status(409).send({
        error_code: error.code,
        message: error.message,
        compatibility: error.mode,
        problems: error.problems,
      });
    }
    if (error instanceof PolicyFailedError) {
      return reply.status(409).send({
        error_code: 'POLICY_FAILED',
        message: error.message,
        target: error.target,
        failures: error.failures,
      });
    }
    if (error instanceof RuleCompileError) {
      return reply.status(400).send({
        error_code: error.code,
        message: error.message,
        rule: error.rule,
        position: error.position,
      });
    }
    throw error;
  });
  const registry = services.registry;
  await app.register(modelRoutes, { registry });
  await app.register(versionRoutes, { registry, policy: services.access.policy });
  await app.register(versionStatusRoutes, { status: services.versionStatus, policy: services.access.policy });
  await app.register(evaluationRoutes, { registry });
  await app.register(revalidationRoutes, { registry, policy: services.access.policy });
  await app.register(schemaRoutes, { registry });
  await app.register(governanceRoutes, { registry });
  await app.register(completenessRoutes, { registry });
  await app.register(policyRoutes, { policies: services.policies });
  await app.register(approvalRoutes, { registry, policy: services.access.policy });
}
