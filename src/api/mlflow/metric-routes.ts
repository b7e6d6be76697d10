import { invalid } from '../../domain/errors.js';
import type { Services } from '../../services/services.js';
import { runAt, runsAt } from '../access/locators.js';
import { access, needs } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';
import { presentMetric } from './presenters.js';
import { runIdOf } from './run-ref.js';
import { MetricHistoryBulkIntervalQuery, MetricHistoryQuery } from './tracking-schemas.js';
import { toInteger } from './wire-values.js';

/** MLflow's limits for get-history-bulk-interval: runs per request, and points per run (default and maximum). */
const MAX_BULK_RUNS = 100;
const DEFAULT_BULK_POINTS = 320;
const MAX_BULK_POINTS = 2500;

/**
 * metrics/get-history: every point of one metric of one run, in step order, in pages.
 * metrics/get-history-bulk-interval: one metric of several runs for charts, at most `max_results` points per run
 * over an optional step range. Each run's series keeps its minimum and maximum per bucket (MLflow samples evenly
 * spaced steps, which can miss a spike).
 */
export async function mlflowMetricRoutes(app: TypedApp, { services }: { services: Services }) {
  app.get(
    '/metrics/get-history',
    {
      config: access(needs('read', runAt('query', 'run_id', 'run_uuid'))),
      schema: { querystring: MetricHistoryQuery },
    },
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

  app.get(
    '/metrics/get-history-bulk-interval',
    {
      config: access(needs('read', runsAt('query', 'run_ids'))),
      schema: { querystring: MetricHistoryBulkIntervalQuery },
    },
    async (request) => {
      const { metric_key, start_step, end_step, max_results } = request.query;
      const runIds = [...new Set([request.query.run_ids].flat())];
      if (runIds.length > MAX_BULK_RUNS) {
        throw invalid(`run_ids may name at most ${MAX_BULK_RUNS} runs; got ${runIds.length}`);
      }
      if ((start_step === undefined) !== (end_step === undefined)) {
        throw invalid('start_step and end_step must be given together, or neither');
      }
      const perRun = toInteger(max_results, 'max_results') ?? DEFAULT_BULK_POINTS;
      if (perRun < 1 || perRun > MAX_BULK_POINTS) {
        throw invalid(`max_results must be between 1 and ${MAX_BULK_POINTS}; got ${perRun}`);
      }
      const range = { startStep: toInteger(start_step, 'start_step'), endStep: toInteger(end_step, 'end_step') };
      const metrics: Record<string, unknown>[] = [];
      for (const runId of runIds) {
        // The sampler keeps the two ends of a range, so it needs room for two points; one point is the first.
        const sampled = await services.metricHistory.sampled(runId, metric_key, Math.max(2, perRun), range);
        for (const m of sampled.metrics.slice(0, perRun)) metrics.push({ ...presentMetric(m), run_id: runId });
      }
      return metrics.length > 0 ? { metrics } : {};
    },
  );
}
