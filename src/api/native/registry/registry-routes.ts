import type { FastifyInstance } from 'fastify';
import { MetadataViolationError } from '../../../services/registry/metadata-gate.js';
import type { Services } from '../../../services/services.js';
import { modelRoutes } from './model-routes.js';
import { versionRoutes } from './version-routes.js';

/**
 * Every registry route under /api/v1. A metadata document that breaks its schema is answered with the list of
 * violations beside the usual error fields; every other error goes on to the app's error handler.
 */
export async function registryRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof MetadataViolationError) {
      return reply.status(400).send({
        error_code: error.code,
        message: error.message,
        schema: error.schema,
        violations: error.violations,
      });
    }
    throw error;
  });
  const registry = services.registry;
  await app.register(modelRoutes, { registry });
  await app.register(versionRoutes, { registry });
}
