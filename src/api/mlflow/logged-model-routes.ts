import { invalid } from '../../domain/errors.js';
import type { Services } from '../../services/services.js';
import { experimentAt, experimentsAt, loggedModelAt } from '../access/locators.js';
import { access, needs } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';
import { guardArtifactPath } from './artifact-path-guard.js';
import { presentLoggedModel } from './logged-model-presenters.js';
import {
  CreateLoggedModelBody,
  FinalizeLoggedModelBody,
  ListLoggedModelArtifactsQuery,
  LogLoggedModelParamsBody,
  ModelIdParams,
  ModelTagParams,
  SearchLoggedModelsBody,
  SetLoggedModelTagsBody,
} from './logged-model-schemas.js';
import { presentFileInfo } from './presenters.js';
import { toInteger } from './wire-values.js';

/** The id in a body must be the one in the path: a client naming two models is refused rather than guessed. */
function samePath(params: ModelIdParams, body: unknown): string {
  const inBody = typeof body === 'object' && body !== null ? (body as { model_id?: unknown }).model_id : undefined;
  if (inBody !== undefined && inBody !== params.model_id) {
    throw invalid(`model_id '${String(inBody)}' in the body does not match '${params.model_id}' in the path`);
  }
  return params.model_id;
}

/**
 * MLflow 3's logged-models/*: create, get, finalize, delete, search, tags, params and the artifact listing. The
 * model's files themselves travel through the artifact proxy (`mlflow-artifacts:/…/models/<id>/artifacts`).
 */
export async function mlflowLoggedModelRoutes(app: TypedApp, { services }: { services: Services }) {
  const models = services.loggedModels;

  app.post(
    '/logged-models',
    { config: access(needs('edit', experimentAt('body', 'experiment_id'))), schema: { body: CreateLoggedModelBody } },
    async (request) => {
      const { experiment_id, name, model_type, source_run_id, params, tags } = request.body;
      const model = await models.create({
        experimentId: experiment_id,
        name,
        modelType: model_type,
        sourceRunId: source_run_id,
        params,
        tags,
      });
      return { model: presentLoggedModel(model) };
    },
  );

  app.post(
    '/logged-models/search',
    {
      config: access(needs('read', experimentsAt('body', 'experiment_ids'))),
      schema: { body: SearchLoggedModelsBody },
    },
    async (request) => {
      const { experiment_ids, filter, datasets, max_results, order_by, page_token } = request.body;
      const result = await models.search({
        experimentIds: experiment_ids,
        filter,
        datasets,
        orderBy: order_by,
        maxResults: toInteger(max_results, 'max_results'),
        pageToken: page_token,
      });
      const body: Record<string, unknown> = {};
      if (result.models.length > 0) body.models = result.models.map(presentLoggedModel);
      if (result.nextPageToken) body.next_page_token = result.nextPageToken;
      return body;
    },
  );

  app.get(
    '/logged-models/:model_id',
    { config: access(needs('read', loggedModelAt('params', 'model_id'))), schema: { params: ModelIdParams } },
    async (request) => ({
      model: presentLoggedModel(await models.get(request.params.model_id)),
    }),
  );

  app.patch(
    '/logged-models/:model_id',
    {
      config: access(needs('edit', loggedModelAt('params', 'model_id'))),
      schema: { params: ModelIdParams, body: FinalizeLoggedModelBody },
    },
    async (request) => ({
      model: presentLoggedModel(await models.finalize(samePath(request.params, request.body), request.body.status)),
    }),
  );

  app.delete(
    '/logged-models/:model_id',
    { config: access(needs('manage', loggedModelAt('params', 'model_id'))), schema: { params: ModelIdParams } },
    async (request) => {
      await models.delete(samePath(request.params, request.body));
      return {};
    },
  );

  app.patch(
    '/logged-models/:model_id/tags',
    {
      config: access(needs('edit', loggedModelAt('params', 'model_id'))),
      schema: { params: ModelIdParams, body: SetLoggedModelTagsBody },
    },
    async (request) => {
      await models.setTags(samePath(request.params, request.body), request.body.tags);
      return {};
    },
  );

  app.delete(
    '/logged-models/:model_id/tags/:tag_key',
    { config: access(needs('edit', loggedModelAt('params', 'model_id'))), schema: { params: ModelTagParams } },
    async (request) => {
      await models.deleteTag(request.params.model_id, request.params.tag_key);
      return {};
    },
  );

  app.post(
    '/logged-models/:model_id/params',
    {
      config: access(needs('edit', loggedModelAt('params', 'model_id'))),
      schema: { params: ModelIdParams, body: LogLoggedModelParamsBody },
    },
    async (request) => {
      await models.logParams(samePath(request.params, request.body), request.body.params);
      return {};
    },
  );

  app.get(
    '/logged-models/:model_id/artifacts/directories',
    {
      config: access(needs('read', loggedModelAt('params', 'model_id'))),
      schema: { params: ModelIdParams, querystring: ListLoggedModelArtifactsQuery },
    },
    async (request) => {
      const path = guardArtifactPath(request.query.artifact_directory_path ?? '', 'artifact_directory_path');
      const listing = await services.artifacts.listLoggedModel(request.params.model_id, path);
      const reply: Record<string, unknown> = { root_uri: listing.rootUri };
      if (listing.files.length > 0) reply.files = listing.files.map(presentFileInfo);
      return reply;
    },
  );
}
