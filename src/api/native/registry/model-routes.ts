import { Type } from '@sinclair/typebox';
import type { RegistryService } from '../../../services/registry/registry-service.js';
import { modelAt } from '../../access/locators.js';
import { access, needs, SIGNED_IN, SIGNED_IN_WRITER } from '../../access/route-access.js';
import { RequestReply } from '../../approvals/approval-schemas.js';
import { orRequested } from '../../approvals/or-requested.js';
import type { TypedApp } from '../../typed-app.js';
import { fromMap } from '../presenters.js';
import { requireAdministrator } from './policy-override.js';
import { presentModel, presentVersion } from './presenters.js';
import {
  CreateModelBody,
  LatestQuery,
  ModelJson,
  ModelParams,
  RenameModelBody,
  SearchBody,
  SearchQuery,
  SetAliasBody,
  SetTagsBody,
  UpdateModelBody,
  VersionJson,
} from './registry-schemas.js';

const tags = ['registry'];
const ModelReply = Type.Object({ registeredModel: ModelJson });
const SearchReply = Type.Object({
  registeredModels: Type.Array(ModelJson),
  nextPageToken: Type.Optional(Type.String()),
});
const VersionReply = Type.Object({ modelVersion: VersionJson });
const Deleted = Type.Object({});
const AliasParams = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 500 }),
  alias: Type.String({ maxLength: 255 }),
});

export async function modelRoutes(app: TypedApp, { registry }: { registry: RegistryService }) {
  const models = registry.models;

  app.post(
    '/registered-models',
    { config: access(SIGNED_IN_WRITER), schema: { tags, body: CreateModelBody, response: { 201: ModelReply } } },
    async (request, reply) => {
      const { tags: tagMap, ...rest } = request.body;
      const model = await models.create({ ...rest, tags: fromMap(tagMap) });
      return reply.status(201).send({ registeredModel: presentModel(model) });
    },
  );

  app.get(
    '/registered-models',
    { config: access(SIGNED_IN), schema: { tags, querystring: SearchQuery, response: { 200: SearchReply } } },
    async (request) => {
      const q = request.query;
      const result = await models.search({
        visible: await request.readable('model'),
        filter: q.filter,
        orderBy: q.orderBy ? [q.orderBy] : undefined,
        maxResults: q.maxResults === undefined ? undefined : Number(q.maxResults),
        pageToken: q.pageToken,
      });
      return { registeredModels: result.models.map(presentModel), nextPageToken: result.nextPageToken };
    },
  );

  app.post(
    '/registered-models/search',
    { config: access(SIGNED_IN), schema: { tags, body: SearchBody, response: { 200: SearchReply } } },
    async (request) => {
      const result = await models.search({ ...request.body, visible: await request.readable('model') });
      return { registeredModels: result.models.map(presentModel), nextPageToken: result.nextPageToken };
    },
  );

  app.get(
    '/registered-models/:name',
    {
      config: access(needs('read', modelAt('params', 'name'))),
      schema: { tags, params: ModelParams, response: { 200: ModelReply } },
    },
    async (request) => ({ registeredModel: presentModel(await models.get(request.params.name)) }),
  );

  app.patch(
    '/registered-models/:name',
    {
      config: access(needs('edit', modelAt('params', 'name'))),
      schema: { tags, params: ModelParams, body: UpdateModelBody, response: { 200: ModelReply } },
    },
    async (request) => ({ registeredModel: presentModel(await models.update(request.params.name, request.body)) }),
  );

  app.post(
    '/registered-models/:name/rename',
    {
      config: access(needs('manage', modelAt('params', 'name'))),
      schema: { tags, params: ModelParams, body: RenameModelBody, response: { 200: ModelReply } },
    },
    async (request) => ({
      registeredModel: presentModel(await models.rename(request.params.name, request.body.newName)),
    }),
  );

  app.delete(
    '/registered-models/:name',
    {
      config: access(needs('manage', modelAt('params', 'name'))),
      schema: { tags, params: ModelParams, response: { 200: Deleted } },
    },
    async (request) => {
      await models.delete(request.params.name);
      return {};
    },
  );

  app.put(
    '/registered-models/:name/tags',
    {
      config: access(needs('edit', modelAt('params', 'name'))),
      schema: { tags, params: ModelParams, body: SetTagsBody, response: { 200: ModelReply } },
    },
    async (request) => ({
      registeredModel: presentModel(await models.setTags(request.params.name, fromMap(request.body.tags))),
    }),
  );

  app.delete(
    '/registered-models/:name/tags/:key',
    {
      config: access(needs('edit', modelAt('params', 'name'))),
      schema: {
        tags,
        params: Type.Object({ name: Type.String({ maxLength: 500 }), key: Type.String({ maxLength: 250 }) }),
        response: { 200: ModelReply },
      },
    },
    async (request) => ({
      registeredModel: presentModel(await models.deleteTag(request.params.name, request.params.key)),
    }),
  );

  app.get(
    '/registered-models/:name/latest-versions',
    {
      config: access(needs('read', modelAt('params', 'name'))),
      schema: {
        tags,
        params: ModelParams,
        querystring: LatestQuery,
        response: { 200: Type.Object({ modelVersions: Type.Array(VersionJson) }) },
      },
    },
    async (request) => {
      const stages = (request.query.stages ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      const latest = await registry.stages.latest(request.params.name, stages);
      return { modelVersions: latest.map(presentVersion) };
    },
  );

  app.put(
    '/registered-models/:name/aliases/:alias',
    {
      config: access(needs('edit', modelAt('params', 'name'))),
      schema: { tags, params: AliasParams, body: SetAliasBody, response: { 200: VersionReply, 202: RequestReply } },
    },
    async (request, reply) => {
      const { name, alias } = request.params;
      const { version, override } = request.body;
      if (override) requireAdministrator(request);
      // A protected alias is not moved: the transition request made instead is the answer (202).
      return orRequested(reply, async () => ({
        modelVersion: presentVersion(await registry.aliases.set(name, alias, version, { override })),
      }));
    },
  );

  app.get(
    '/registered-models/:name/aliases/:alias',
    {
      config: access(needs('read', modelAt('params', 'name'))),
      schema: { tags, params: AliasParams, response: { 200: VersionReply } },
    },
    async (request) => ({
      modelVersion: presentVersion(await registry.aliases.resolve(request.params.name, request.params.alias)),
    }),
  );

  app.delete(
    '/registered-models/:name/aliases/:alias',
    {
      config: access(needs('edit', modelAt('params', 'name'))),
      schema: { tags, params: AliasParams, response: { 200: Deleted } },
    },
    async (request) => {
      await registry.aliases.delete(request.params.name, request.params.alias);
      return {};
    },
  );
}
