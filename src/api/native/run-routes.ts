import { Type } from '@sinclair/typebox';
import { invalid } from '../../domain/errors.js';
import type { Services } from '../../services/services.js';
import { MAX_RUNS_PER_GET } from '../../services/tracking/run-service.js';
import { experimentAt, experimentsAt, runAt, runsAt } from '../access/locators.js';
import { access, needs } from '../access/route-access.js';
import { sendJsonBytes } from '../json-bytes-reply.js';
import type { TypedApp } from '../typed-app.js';
import { fromMap, presentMetric, presentRun } from './presenters.js';
import {
  CreateRunBody,
  IdParams,
  LogBatchBody,
  LogInputsBody,
  MetricHistoryJson,
  MetricHistoryQuery,
  RunJson,
  SearchRunsBody,
  UpdateRunBody,
} from './schemas.js';

const tags = ['runs'];
const RunReply = Type.Object({ run: RunJson });
const RunParams = IdParams('runId');
const GetRunsBody = Type.Object(
  { runIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: MAX_RUNS_PER_GET }) },
  { additionalProperties: false },
);

/** Large enough for a 10,000-point batch with long keys; artifact uploads stream and are not bound by it. */
export const BATCH_BODY_LIMIT = 32 * 1024 * 1024;

export async function runRoutes(app: TypedApp, { services }: { services: Services }) {
  const runs = services.runs;

  app.post(
    '/runs',
    {
      config: access(needs('edit', experimentAt('body', 'experimentId'))),
      schema: { tags, body: CreateRunBody, response: { 201: RunReply } },
    },
    async (request, reply) => {
      const body = request.body;
      const run = await runs.create({ ...body, tags: fromMap(body.tags) });
      return reply.status(201).send({ run: presentRun(run) });
    },
  );

  app.post(
    '/runs/search',
    {
      config: access(needs('read', experimentsAt('body', 'experimentIds'))),
      // The reply is sent as bytes (see sendJsonBytes); the schema documents it, and this spares compiling a
      // serializer for it that nothing would call.
      serializerCompiler: () => JSON.stringify,
      schema: {
        tags,
        body: SearchRunsBody,
        response: { 200: Type.Object({ runs: Type.Array(RunJson), nextPageToken: Type.Optional(Type.String()) }) },
      },
    },
    async (request, reply) => {
      const result = await runs.search(request.body);
      return sendJsonBytes(reply, { ...result, runs: result.runs.map(presentRun) });
    },
  );

  app.post(
    '/runs/get',
    {
      config: access(needs('read', runsAt('body', 'runIds'))),
      serializerCompiler: () => JSON.stringify,
      schema: {
        tags,
        summary: `Up to ${MAX_RUNS_PER_GET} runs by id in one request, naming the ids that match no run`,
        body: GetRunsBody,
        response: { 200: Type.Object({ runs: Type.Array(RunJson), missing: Type.Array(Type.String()) }) },
      },
    },
    async (request, reply) => {
      const result = await runs.getMany(request.body.runIds);
      return sendJsonBytes(reply, { runs: result.runs.map(presentRun), missing: result.missing });
    },
  );

  app.get(
    '/runs/:runId',
    {
      config: access(needs('read', runAt('params', 'runId'))),
      schema: { tags, params: RunParams, response: { 200: RunReply } },
    },
    async (request) => ({
      run: presentRun(await runs.get(request.params.runId)),
    }),
  );

  app.patch(
    '/runs/:runId',
    {
      config: access(needs('edit', runAt('params', 'runId'))),
      schema: { tags, params: RunParams, body: UpdateRunBody, response: { 200: RunReply } },
    },
    async (request) => {
      const { status, endTime, runName } = request.body;
      return {
        run: presentRun(await runs.update(request.params.runId, { status, endTime, runName })),
      };
    },
  );

  app.delete(
    '/runs/:runId',
    {
      config: access(needs('manage', runAt('params', 'runId'))),
      schema: { tags, params: RunParams, response: { 200: RunReply } },
    },
    async (request) => ({
      run: presentRun(await runs.delete(request.params.runId)),
    }),
  );

  app.post(
    '/runs/:runId/restore',
    {
      config: access(needs('manage', runAt('params', 'runId'))),
      schema: { tags, params: RunParams, response: { 200: RunReply } },
    },
    async (request) => ({ run: presentRun(await runs.restore(request.params.runId)) }),
  );

  app.post(
    '/runs/:runId/batch',
    {
      config: access(needs('edit', runAt('params', 'runId'))),
      bodyLimit: BATCH_BODY_LIMIT,
      schema: {
        tags,
        summary:
          'Log metrics, params and tags atomically (up to 10,000 metric points, as rows in `metrics` or as columns in `series`)',
        params: RunParams,
        body: LogBatchBody,
        response: { 200: Type.Object({ metrics: Type.Integer(), params: Type.Integer(), tags: Type.Integer() }) },
      },
    },
    async (request) => {
      const { metrics = [], series = [], params, tags: tagMap } = request.body;
      const paramList = fromMap(params);
      const tagList = fromMap(tagMap);
      await runs.logBatch(request.params.runId, { metrics, series, params: paramList, tags: tagList });
      const points = series.reduce((sum, s) => sum + s.values.length, metrics.length);
      return { metrics: points, params: paramList.length, tags: tagList.length };
    },
  );

  app.delete(
    '/runs/:runId/tags/:key',
    {
      config: access(needs('edit', runAt('params', 'runId'))),
      schema: { tags, params: Type.Object({ runId: Type.String(), key: Type.String() }) },
    },
    async (request, reply) => {
      await runs.deleteTag(request.params.runId, request.params.key);
      return reply.status(204).send();
    },
  );

  app.post(
    '/runs/:runId/inputs',
    {
      config: access(needs('edit', runAt('params', 'runId'))),
      schema: { tags, params: RunParams, body: LogInputsBody, response: { 200: RunReply } },
    },
    async (request) => {
      const datasets = request.body.datasets.map((d) => ({
        name: d.name,
        digest: d.digest,
        sourceType: d.sourceType,
        source: d.source,
        schema: d.schema ?? null,
        profile: d.profile ?? null,
        tags: fromMap(d.tags),
      }));
      return { run: presentRun(await runs.logInputs(request.params.runId, datasets)) };
    },
  );

  app.get(
    '/runs/:runId/metric-history',
    {
      config: access(needs('read', runAt('params', 'runId'))),
      schema: {
        tags,
        summary: 'A page of a metric’s points, or with `points` a min/max-preserving sample for charts',
        params: RunParams,
        querystring: MetricHistoryQuery,
        response: { 200: MetricHistoryJson },
      },
    },
    async (request) => {
      const { key, maxResults, pageToken, points, startStep, endStep } = request.query;
      const range = {
        startStep: startStep === undefined ? undefined : Number(startStep),
        endStep: endStep === undefined ? undefined : Number(endStep),
      };
      if (points !== undefined) {
        const sampled = await services.metricHistory.sampled(request.params.runId, key, Number(points), range);
        return {
          metrics: sampled.metrics.map(presentMetric),
          totalPoints: sampled.totalPoints,
          hiddenNaN: sampled.hiddenNaN.map(presentMetric),
        };
      }
      const page = await services.metricHistory.page(
        request.params.runId,
        key,
        { maxResults: maxResults === undefined ? undefined : Number(maxResults), pageToken },
        range,
      );
      return { ...page, metrics: page.metrics.map(presentMetric) };
    },
  );
}
