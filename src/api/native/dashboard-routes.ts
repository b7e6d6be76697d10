import { parseDashboardOptions } from '../../domain/dashboards/dashboard-options.js';
import type { Services } from '../../services/services.js';
import { experimentAt } from '../access/locators.js';
import { access, needs, SIGNED_IN } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';
import { DashboardQuery, ExperimentDashboardJson, TeamDashboardJson, TeamParams } from './dashboard-schemas.js';
import { IdParams } from './schemas.js';

/**
 * An experiment's dashboard: reading it needs read access to the experiment; checks on model versions the caller may
 * not read are left out by the service.
 */
export async function dashboardRoutes(app: TypedApp, { services }: { services: Services }) {
  app.get(
    '/experiments/:experimentId/dashboard',
    {
      config: access(needs('read', experimentAt('params', 'experimentId'))),
      schema: {
        tags: ['experiments'],
        summary:
          'Metric trends across runs, runs flagged by a robust z-score, failed checks, completeness over time and runs per user',
        params: IdParams('experimentId'),
        querystring: DashboardQuery,
        response: { 200: ExperimentDashboardJson },
      },
    },
    async (request) =>
      services.experimentDashboard.dashboard(
        request.params.experimentId,
        parseDashboardOptions(request.query),
        await request.readable('model'),
      ),
  );

  // Any signed-in user may open a team's dashboard: what it shows is cut down to the experiments and models the
  // caller may read, so the route needs no role of its own.
  app.get(
    '/teams/:name/dashboard',
    {
      config: access(SIGNED_IN),
      schema: {
        tags: ['teams'],
        summary:
          "Trends, anomaly flags, failed checks, completeness, lineage and validation coverage across a team's experiments and models",
        params: TeamParams,
        querystring: DashboardQuery,
        response: { 200: TeamDashboardJson },
      },
    },
    async (request) =>
      services.teamDashboard.dashboard(
        request.params.name,
        parseDashboardOptions(request.query),
        await request.readable('experiment'),
        await request.readable('model'),
      ),
  );
}
