import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

/** Collects every route's schema into one OpenAPI 3.1 document, served at /api/v1/openapi.json. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Mnemo API',
        version,
        description:
          'Experiment tracking and model registry. Times are epoch milliseconds; ids are opaque strings; errors are ' +
          '{"error_code", "message"}.',
      },
      servers: [{ url: '/api/v1' }],
    },
    // Only the native API belongs in this document; the MLflow adapter is described by MLflow's own specs.
    hiddenTag: 'hidden',
    transform: ({ schema, url }) => ({
      schema: url.startsWith('/api/v1/') ? schema : { ...schema, hide: true },
      url: url.replace(/^\/api\/v1/, ''),
    }),
  });
}
