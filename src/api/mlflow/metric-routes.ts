import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services/services.js';
import { presentMetric } from './presenters.js';
import { runIdOf } from './run-ref.js';
import { MetricHistoryQuery } from './tracking-schemas.js';
import { toInteger } from './wire-values.js';

/** metrics/get-history: every point of one metric of one run, in step order, in pages. */
export async function mlflowMetricRoutes(app: FastifyInstance, { services }: { services: Services }) {
  app.get<{ Querystring: MetricHistoryQuery }>(
    '/metrics/get-history',
    { schema: { querystring: MetricHistoryQuery } },
    async (request) => {
      const { metric_key, page_token, max_results } = request.query;
      const page = await services.metricHistory.page(runIdOf(request.query), metric_key, {
        maxResults: toInteger(max_results, 'max_results'),
        pageToken: page_token,
      });
      const reply: Record<string, unknown> = {};
      if (page.metrics.length > 0) reply.metrics = page.metrics.map(presentMetric);
      if (page.nextPageToken) reply.next_page_token = page.nextPageToken;
      return reply;
    },
  );
}
