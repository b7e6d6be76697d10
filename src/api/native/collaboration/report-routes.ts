import { Type } from '@sinclair/typebox';
import type { Report } from '../../../domain/collaboration/report.js';
import type { ReportInput, ReportSummary, ReportView } from '../../../sdk/wire/report-shapes.js';
import type { RenderedReport } from '../../../services/collaboration/report-service.js';
import type { Services } from '../../../services/services.js';
import { experimentAt } from '../../access/locators.js';
import { access, needs } from '../../access/route-access.js';
import type { TypedApp } from '../../typed-app.js';
import { IdParams } from '../schemas.js';

const tags = ['reports'];

// The domain's limits answer with their own messages; these only stop bodies far past them from being parsed.
const RunIds = Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 1000 });
const BlockBody = Type.Union([
  Type.Object(
    { kind: Type.Literal('note'), markdown: Type.String({ maxLength: 100_000, description: 'Markdown' }) },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('runs'), runIds: RunIds }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('chart'), metricKey: Type.String({ maxLength: 1000 }), runIds: RunIds },
    { additionalProperties: false },
  ),
]);
const ReportBody = Type.Object(
  { title: Type.String({ maxLength: 1000 }), blocks: Type.Array(BlockBody, { maxItems: 1000 }) },
  { additionalProperties: false },
);

const SummaryFields = {
  id: Type.String(),
  experimentId: Type.String(),
  title: Type.String(),
  blockCount: Type.Integer(),
  createdBy: Type.String(),
  createdAt: Type.Integer({ description: 'epoch ms' }),
  updatedBy: Type.String(),
  updatedAt: Type.Integer({ description: 'epoch ms' }),
};
const SummaryJson = Type.Object(SummaryFields);
const RunView = Type.Object({
  runId: Type.String(),
  experimentId: Type.String(),
  runName: Type.String(),
  status: Type.String(),
  metrics: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()])),
});
const BlockView = Type.Union([
  Type.Object({ kind: Type.Literal('note'), markdown: Type.String() }),
  Type.Object({ kind: Type.Literal('runs'), runs: Type.Array(RunView), hiddenRuns: Type.Integer() }),
  Type.Object({
    kind: Type.Literal('chart'),
    metricKey: Type.String(),
    runs: Type.Array(Type.Object({ runId: Type.String(), experimentId: Type.String(), runName: Type.String() })),
    hiddenRuns: Type.Integer({ description: 'pinned runs the reader may not see, or that are gone' }),
  }),
]);
const ViewJson = Type.Object({ ...SummaryFields, blocks: Type.Array(BlockView) });

const summary = (r: Report | RenderedReport): ReportSummary => ({
  id: r.reportId,
  experimentId: r.experimentId,
  title: r.title,
  blockCount: r.blocks.length,
  createdBy: r.createdBy,
  createdAt: r.creationTime,
  updatedBy: r.lastUpdatedBy,
  updatedAt: r.lastUpdatedTime,
});
const view = (r: RenderedReport): ReportView => ({ ...summary(r), blocks: r.blocks });

/**
 * Reports on an experiment: its readers open them, its editors write them. Opening a report reads its runs again for
 * the reader, so a report shows live values and only runs its reader may read.
 */
export async function reportRoutes(app: TypedApp, { services }: { services: Services }) {
  const reports = services.reports;
  const experiment = experimentAt('params', 'experimentId');
  const ListParams = IdParams('experimentId');
  const OneParams = Type.Object({ ...ListParams.properties, ...IdParams('reportId').properties });
  type One = { experimentId: string; reportId: string };

  app.get(
    '/experiments/:experimentId/reports',
    {
      config: access(needs('read', experiment)),
      schema: {
        tags,
        summary: "An experiment's reports, the most recently changed first",
        params: ListParams,
        response: { 200: Type.Object({ reports: Type.Array(SummaryJson) }) },
      },
    },
    async (request) => {
      const { experimentId } = request.params as { experimentId: string };
      return { reports: (await reports.list(experimentId)).map(summary) };
    },
  );

  app.post(
    '/experiments/:experimentId/reports',
    {
      config: access(needs('edit', experiment)),
      schema: {
        tags,
        summary: 'Creates a report of notes, runs and charts; every run named must exist and be readable',
        params: ListParams,
        body: ReportBody,
        response: { 201: Type.Object({ report: ViewJson }) },
      },
    },
    async (request, reply) => {
      const { experimentId } = request.params as { experimentId: string };
      const readable = await request.readable('experiment');
      const id = await reports.create(request.principal!, experimentId, request.body as ReportInput, readable);
      return reply.status(201).send({ report: view(await reports.open(experimentId, id, readable)) });
    },
  );

  app.get(
    '/experiments/:experimentId/reports/:reportId',
    {
      config: access(needs('read', experiment)),
      schema: {
        tags,
        summary: 'A report filled in from live data, leaving out (and counting) runs the reader may not see',
        params: OneParams,
        response: { 200: Type.Object({ report: ViewJson }) },
      },
    },
    async (request) => {
      const { experimentId, reportId } = request.params as One;
      return { report: view(await reports.open(experimentId, reportId, await request.readable('experiment'))) };
    },
  );

  app.put(
    '/experiments/:experimentId/reports/:reportId',
    {
      config: access(needs('edit', experiment)),
      schema: {
        tags,
        summary: "Replaces a report's title and blocks whole",
        params: OneParams,
        body: ReportBody,
        response: { 200: Type.Object({ report: ViewJson }) },
      },
    },
    async (request) => {
      const { experimentId, reportId } = request.params as One;
      const readable = await request.readable('experiment');
      await reports.update(request.principal!, experimentId, reportId, request.body as ReportInput, readable);
      return { report: view(await reports.open(experimentId, reportId, readable)) };
    },
  );

  app.delete(
    '/experiments/:experimentId/reports/:reportId',
    {
      config: access(needs('edit', experiment)),
      schema: { tags, summary: 'Deletes a report', params: OneParams, response: { 200: Type.Object({}) } },
    },
    async (request) => {
      const { experimentId, reportId } = request.params as One;
      await reports.delete(experimentId, reportId);
      return {};
    },
  );
}
