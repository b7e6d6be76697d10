import { parseDashboardOptions } from '../../domain/dashboards/dashboard-options.js';
import type { Services } from '../../services/services.js';
import { experimentAt } from '../access/locators.js';
import { access, needs } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';
import { DashboardQuery, ExperimentDashboardJson } from './dashboard-schemas.js';
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
}
