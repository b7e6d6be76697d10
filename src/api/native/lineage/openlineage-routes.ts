import { Type } from '@sinclair/typebox';
import type { Services } from '../../../services/services.js';
import { server } from '../../access/locators.js';
import { access, needs, SIGNED_IN } from '../../access/route-access.js';
import type { TypedApp } from '../../typed-app.js';
import { OpenLineageRunEventBody } from './openlineage-schema.js';

const tags = ['lineage'];
const NeighbourhoodQuery = Type.Object(
  {
    nodeId: Type.String({ minLength: 3, maxLength: 300 }),
    depth: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$' })),
  },
  { additionalProperties: false },
);

/** The OpenLineage endpoints, as Marquez offers them: event ingest and the lineage graph around a node. */
export async function openLineageRoutes(app: TypedApp, { services }: { services: Services }) {
  app.post(
    '/lineage',
    {
      config: access(needs('edit', server)),
      schema: { tags, summary: 'Accept an OpenLineage RunEvent', body: OpenLineageRunEventBody },
    },
    async (request, reply) => {
      const result = await services.openLineage.ingest(request.body);
      return reply.status(201).send(result);
    },
  );

  app.get(
    '/lineage/openlineage/runs/:olRunId',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: 'An OpenLineage run with its merged facets and every event received',
        params: Type.Object({ olRunId: Type.String({ minLength: 1, maxLength: 64 }) }),
      },
    },
    async (request) => ({ openLineageRun: await services.openLineage.getRun(request.params.olRunId) }),
  );

  app.get(
    '/lineage',
    {
      config: access(SIGNED_IN),
      schema: { tags, summary: 'The lineage graph around a node (Marquez shape)', querystring: NeighbourhoodQuery },
    },
    async (request) => services.lineageQueries.neighbourhood(request.query.nodeId, { depth: request.query.depth }),
  );
}
