import type { Services } from '../../services/services.js';
import { experimentAt, experimentsAt, runAt } from '../access/locators.js';
import { access, needs } from '../access/route-access.js';
import { sendJsonBytes } from '../json-bytes-reply.js';
import type { TypedApp } from '../typed-app.js';
import { presentRun, presentRunInfo } from './presenters.js';
import { runIdOf } from './run-ref.js';
import { CreateRunBody, RunIdBody, RunRefQuery, SearchRunsBody, UpdateRunBody } from './tracking-schemas.js';
import { toInteger } from './wire-values.js';

/** runs/*: create, get, update, delete, restore, search. Logging endpoints live in run-logging-routes.ts. */
export async function mlflowRunRoutes(app: TypedApp, { services }: { services: Services }) {
  const runs = services.runs;

  app.post(
    '/runs/create',
    { config: access(needs('edit', experimentAt('body', 'experiment_id'))), schema: { body: CreateRunBody } },
    async (request) => {
      const { experiment_id, user_id, run_name, start_time, tags } = request.body;
      const run = await runs.create({
        experimentId: experiment_id,
        userId: user_id,
        runName: run_name,
        startTime: toInteger(start_time, 'start_time'),
        tags,
      });
      return { run: presentRun(run, { withOutputs: false }) };
    },
  );

  app.get(
    '/runs/get',
    { config: access(needs('read', runAt('query', 'run_id', 'run_uuid'))), schema: { querystring: RunRefQuery } },
    async (request) => ({
      run: presentRun(await runs.get(runIdOf(request.query))),
    }),
  );

  app.post(
    '/runs/update',
    { config: access(needs('edit', runAt('body', 'run_id', 'run_uuid'))), schema: { body: UpdateRunBody } },
    async (request) => {
      const { status, end_time, run_name } = request.body;
      const run = await runs.update(runIdOf(request.body), {
        status,
        endTime: toInteger(end_time, 'end_time'),
        runName: run_name,
      });
      return { run_info: presentRunInfo(run.info) };
    },
  );

  app.post(
    '/runs/delete',
    { config: access(needs('manage', runAt('body', 'run_id'))), schema: { body: RunIdBody } },
    async (request) => {
      await runs.delete(request.body.run_id);
      return {};
    },
  );

  app.post(
    '/runs/restore',
    { config: access(needs('manage', runAt('body', 'run_id'))), schema: { body: RunIdBody } },
    async (request) => {
      await runs.restore(request.body.run_id);
      return {};
    },
  );

  app.post(
    '/runs/search',
    { config: access(needs('read', experimentsAt('body', 'experiment_ids'))), schema: { body: SearchRunsBody } },
    async (request, reply) => {
      const { experiment_ids = [], filter, run_view_type, max_results, order_by, page_token } = request.body;
      const result = await runs.search({
        experimentIds: experiment_ids,
        filter,
        viewType: run_view_type,
        maxResults: toInteger(max_results, 'max_results'),
        orderBy: order_by,
        pageToken: page_token,
      });
      const body: Record<string, unknown> = {};
      if (result.runs.length > 0) body.runs = result.runs.map((run) => presentRun(run));
      if (result.nextPageToken) body.next_page_token = result.nextPageToken;
      return sendJsonBytes(reply, body);
    },
  );
}
