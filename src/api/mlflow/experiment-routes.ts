import type { FastifyRequest } from 'fastify';
import type { Services } from '../../services/services.js';
import { experimentAt, experimentNamed, experimentsAt } from '../access/locators.js';
import { access, needs, SIGNED_IN, SIGNED_IN_WRITER } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';
import { presentExperiment } from './presenters.js';
import {
  CreateExperimentBody,
  DeleteExperimentTagBody,
  ExperimentIdBody,
  ExperimentIdQuery,
  ExperimentNameQuery,
  SearchDatasetsBody,
  SearchExperimentsBody,
  SearchExperimentsQuery,
  SetExperimentTagBody,
  UpdateExperimentBody,
} from './tracking-schemas.js';
import { asList, toInteger } from './wire-values.js';

/** experiments/*: create, get, get-by-name, search, update, delete, restore, set-experiment-tag, delete-experiment-tag, search-datasets. */
export async function mlflowExperimentRoutes(app: TypedApp, { services }: { services: Services }) {
  const experiments = services.experiments;

  app.post(
    '/experiments/create',
    { config: access(SIGNED_IN_WRITER), schema: { body: CreateExperimentBody } },
    async (request) => {
      const { name, artifact_location, tags } = request.body;
      const created = await experiments.create({ name, artifactLocation: artifact_location, tags });
      return { experiment_id: created.experimentId };
    },
  );

  app.get(
    '/experiments/get',
    {
      config: access(needs('read', experimentAt('query', 'experiment_id'))),
      schema: { querystring: ExperimentIdQuery },
    },
    async (request) => ({
      experiment: presentExperiment(await experiments.get(request.query.experiment_id)),
    }),
  );

  app.get(
    '/experiments/get-by-name',
    {
      config: access(needs('read', experimentNamed('query', 'experiment_name'))),
      schema: { querystring: ExperimentNameQuery },
    },
    async (request) => ({
      experiment: presentExperiment(await experiments.getByName(request.query.experiment_name)),
    }),
  );

  app.post(
    '/experiments/search',
    { config: access(SIGNED_IN), schema: { body: SearchExperimentsBody } },
    async (request) => {
      const { max_results, page_token, filter, order_by, view_type } = request.body;
      return search(request, {
        maxResults: toInteger(max_results, 'max_results'),
        pageToken: page_token,
        filter,
        orderBy: order_by,
        viewType: view_type,
      });
    },
  );

  app.get(
    '/experiments/search',
    { config: access(SIGNED_IN), schema: { querystring: SearchExperimentsQuery } },
    async (request) => {
      const { max_results, page_token, filter, order_by, view_type } = request.query;
      return search(request, {
        maxResults: toInteger(max_results, 'max_results'),
        pageToken: page_token,
        filter,
        orderBy: asList(order_by),
        viewType: view_type,
      });
    },
  );

  async function search(request: FastifyRequest, input: Parameters<typeof experiments.search>[0]) {
    const result = await experiments.search({ ...input, visible: await request.readable('experiment') });
    const reply: Record<string, unknown> = {};
    if (result.experiments.length > 0) reply.experiments = result.experiments.map(presentExperiment);
    if (result.nextPageToken) reply.next_page_token = result.nextPageToken;
    return reply;
  }

  app.post(
    '/experiments/update',
    { config: access(needs('edit', experimentAt('body', 'experiment_id'))), schema: { body: UpdateExperimentBody } },
    async (request) => {
      const { experiment_id, new_name } = request.body;
      // MLflow treats a missing new_name as "nothing to change" but still checks that the experiment exists.
      if (new_name === undefined) await experiments.get(experiment_id);
      else await experiments.rename(experiment_id, new_name);
      return {};
    },
  );

  app.post(
    '/experiments/delete',
    { config: access(needs('manage', experimentAt('body', 'experiment_id'))), schema: { body: ExperimentIdBody } },
    async (request) => {
      await experiments.delete(request.body.experiment_id);
      return {};
    },
  );

  app.post(
    '/experiments/restore',
    { config: access(needs('manage', experimentAt('body', 'experiment_id'))), schema: { body: ExperimentIdBody } },
    async (request) => {
      await experiments.restore(request.body.experiment_id);
      return {};
    },
  );

  app.post(
    '/experiments/set-experiment-tag',
    { config: access(needs('edit', experimentAt('body', 'experiment_id'))), schema: { body: SetExperimentTagBody } },
    async (request) => {
      const { experiment_id, key, value } = request.body;
      await experiments.setTags(experiment_id, [{ key, value }]);
      return {};
    },
  );

  app.post(
    '/experiments/delete-experiment-tag',
    { config: access(needs('edit', experimentAt('body', 'experiment_id'))), schema: { body: DeleteExperimentTagBody } },
    async (request) => {
      await experiments.deleteTag(request.body.experiment_id, request.body.key);
      return {};
    },
  );

  // MLflow 3: the datasets the experiments' runs used, once each with the context they were used in.
  app.post(
    '/experiments/search-datasets',
    { config: access(needs('read', experimentsAt('body', 'experiment_ids'))), schema: { body: SearchDatasetsBody } },
    async (request) => {
      const summaries = await experiments.datasetSummaries(request.body.experiment_ids);
      return summaries.length === 0
        ? {}
        : {
            dataset_summaries: summaries.map((s) => {
              const json: Record<string, unknown> = { experiment_id: s.experimentId, name: s.name, digest: s.digest };
              if (s.context) json.context = s.context;
              return json;
            }),
          };
    },
  );
}
