import type { Services } from '../../services/services.js';
import { runAt } from '../access/locators.js';
import { access, needs } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';
import { guardArtifactPath } from './artifact-path-guard.js';
import { presentFileInfo } from './presenters.js';
import { runIdOf } from './run-ref.js';
import { ListArtifactsQuery } from './tracking-schemas.js';

/** artifacts/list: one directory of a run's artifacts, paths relative to the run's artifact root. */
export async function mlflowArtifactListRoutes(app: TypedApp, { services }: { services: Services }) {
  app.get(
    '/artifacts/list',
    {
      config: access(needs('read', runAt('query', 'run_id', 'run_uuid'))),
      schema: { querystring: ListArtifactsQuery },
    },
    async (request) => {
      const path = guardArtifactPath(request.query.path ?? '', 'path');
      const listing = await services.artifacts.list(runIdOf(request.query), path);
      const reply: Record<string, unknown> = { root_uri: listing.rootUri };
      if (listing.files.length > 0) reply.files = listing.files.map(presentFileInfo);
      return reply;
    },
  );
}
