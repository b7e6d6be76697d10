import { MnemoError } from '../../domain/errors.js';
import type { RegisteredModel } from '../../domain/registry/entities.js';
import type { Services } from '../../services/services.js';
import { modelAt } from '../access/locators.js';
import { access, needs, SIGNED_IN, SIGNED_IN_WRITER } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';
import { presentModelVersion, presentRegisteredModel } from './registry-presenters.js';
import {
  AliasBody,
  AliasQuery,
  CreateModelBody,
  LatestVersionsBody,
  LatestVersionsQuery,
  ModelNameBody,
  ModelNameQuery,
  ModelTagBody,
  ModelTagKeyBody,
  RenameModelBody,
  SearchQuery,
  SetAliasBody,
  UpdateModelBody,
} from './registry-schemas.js';
import { asList, toInteger } from './wire-values.js';

/** registered-models/*: create, get, rename, update, delete, search, get-latest-versions, tags and aliases. */
export async function mlflowRegisteredModelRoutes(app: TypedApp, { services }: { services: Services }) {
  const { models, stages, aliases } = services.registry;

  const present = async (model: RegisteredModel) => presentRegisteredModel(model, await stages.latest(model.name));
  /**
   * After a committed write the client must hear of its success: if a concurrent rename or delete took the name
   * before the latest versions were read, the model is answered as committed, without them.
   */
  const presentWritten = async (model: RegisteredModel) => {
    try {
      return await present(model);
    } catch (error) {
      if (error instanceof MnemoError && error.code === 'RESOURCE_DOES_NOT_EXIST')
        return presentRegisteredModel(model, []);
      throw error;
    }
  };

  app.post(
    '/registered-models/create',
    { config: access(SIGNED_IN_WRITER), schema: { body: CreateModelBody } },
    async (request) => {
      const { name, tags, description } = request.body;
      // A model just created has no versions: nothing to read after the commit.
      return { registered_model: presentRegisteredModel(await models.create({ name, tags, description }), []) };
    },
  );

  app.get(
    '/registered-models/get',
    { config: access(needs('read', modelAt('query', 'name'))), schema: { querystring: ModelNameQuery } },
    async (request) => ({
      registered_model: await present(await models.get(request.query.name)),
    }),
  );

  app.post(
    '/registered-models/rename',
    { config: access(needs('manage', modelAt('body', 'name'))), schema: { body: RenameModelBody } },
    async (request) => ({
      registered_model: await presentWritten(await models.rename(request.body.name, request.body.new_name)),
    }),
  );

  app.patch(
    '/registered-models/update',
    { config: access(needs('edit', modelAt('body', 'name'))), schema: { body: UpdateModelBody } },
    async (request) => {
      const { name, description } = request.body;
      if (description === undefined) return { registered_model: await present(await models.get(name)) };
      return { registered_model: await presentWritten(await models.update(name, { description })) };
    },
  );

  app.delete(
    '/registered-models/delete',
    { config: access(needs('manage', modelAt('body', 'name'))), schema: { body: ModelNameBody } },
    async (request) => {
      await models.delete(request.body.name);
      return {};
    },
  );

  app.get(
    '/registered-models/search',
    { config: access(SIGNED_IN), schema: { querystring: SearchQuery } },
    async (request) => {
      const { filter, max_results, order_by, page_token } = request.query;
      const result = await models.search({
        visible: await request.readable('model'),
        filter,
        maxResults: toInteger(max_results, 'max_results'),
        orderBy: asList(order_by),
        pageToken: page_token,
      });
      const reply: Record<string, unknown> = {};
      if (result.models.length > 0) reply.registered_models = await Promise.all(result.models.map(present));
      if (result.nextPageToken) reply.next_page_token = result.nextPageToken;
      return reply;
    },
  );

  const latestVersions = async (name: string, wanted: string[] | undefined) => {
    const found = await stages.latest(name, wanted ?? []);
    return found.length > 0 ? { model_versions: found.map((v) => presentModelVersion(v)) } : {};
  };

  app.post(
    '/registered-models/get-latest-versions',
    { config: access(needs('read', modelAt('body', 'name'))), schema: { body: LatestVersionsBody } },
    async (request) => latestVersions(request.body.name, request.body.stages),
  );

  app.get(
    '/registered-models/get-latest-versions',
    { config: access(needs('read', modelAt('query', 'name'))), schema: { querystring: LatestVersionsQuery } },
    async (request) => latestVersions(request.query.name, asList(request.query.stages)),
  );

  app.post(
    '/registered-models/set-tag',
    { config: access(needs('edit', modelAt('body', 'name'))), schema: { body: ModelTagBody } },
    async (request) => {
      const { name, key, value } = request.body;
      await models.setTags(name, [{ key, value }]);
      return {};
    },
  );

  app.delete(
    '/registered-models/delete-tag',
    { config: access(needs('edit', modelAt('body', 'name'))), schema: { body: ModelTagKeyBody } },
    async (request) => {
      await models.deleteTag(request.body.name, request.body.key);
      return {};
    },
  );

  app.post(
    '/registered-models/alias',
    { config: access(needs('edit', modelAt('body', 'name'))), schema: { body: SetAliasBody } },
    async (request) => {
      const { name, alias, version } = request.body;
      await aliases.set(name, alias, version);
      return {};
    },
  );

  app.delete(
    '/registered-models/alias',
    { config: access(needs('edit', modelAt('body', 'name'))), schema: { body: AliasBody } },
    async (request) => {
      await aliases.delete(request.body.name, request.body.alias);
      return {};
    },
  );

  app.get(
    '/registered-models/alias',
    { config: access(needs('read', modelAt('query', 'name'))), schema: { querystring: AliasQuery } },
    async (request) => ({
      model_version: presentModelVersion(await aliases.resolve(request.query.name, request.query.alias)),
    }),
  );
}
