import type { Services } from '../../../services/services.js';
import { hideUnreadableLineage } from '../../access/lineage-visibility.js';
import type { TypedApp } from '../../typed-app.js';
import { lineageEntityRoutes } from './entity-routes.js';
import { openLineageRoutes } from './openlineage-routes.js';
import { lineageQueryRoutes } from './query-routes.js';

/** Every lineage endpoint under /api/v1: OpenLineage ingest, entity registration and graph queries. */
export async function lineageRoutes(app: TypedApp, options: { services: Services }) {
  hideUnreadableLineage(app, options.services.access.policy);
  await app.register(openLineageRoutes, options);
  await app.register(lineageEntityRoutes, options);
  await app.register(lineageQueryRoutes, options);
}
