import { Type } from '@sinclair/typebox';
import type { RegistryService } from '../../../services/registry/registry-service.js';
import type { TypedApp } from '../../typed-app.js';
import { fromMap } from '../presenters.js';
import { presentVersion } from './presenters.js';
import {
  CreateVersionBody,
  ManifestJson,
  ModelParams,
  SearchBody,
  SetTagsBody,
  TransitionBody,
  TransitionJson,
  UpdateVersionBody,
  VersionJson,
  VersionNumber,
  VersionParams,
} from './registry-schemas.js';

const tags = ['registry'];
const VersionReply = Type.Object({ modelVersion: VersionJson });
const ListReply = Type.Object({ modelVersions: Type.Array(VersionJson), nextPageToken: Type.Optional(Type.String()) });

export async function versionRoutes(app: TypedApp, { registry }: { registry: RegistryService }) {
  const versions = registry.versions;

  app.post(
    '/registered-models/:name/versions',
    { schema: { tags, params: ModelParams, body: CreateVersionBody, response: { 201: VersionReply } } },
    async (request, reply) => {
      const { tags: tagMap, ...rest } = request.body;
      const version = await versions.create({ ...rest, name: request.params.name, tags: fromMap(tagMap) });
      return reply.status(201).send({ modelVersion: presentVersion(version) });
    },
  );

  app.get(
    '/registered-models/:name/versions',
    { schema: { tags, params: ModelParams, response: { 200: ListReply } } },
    async (request) => ({ modelVersions: (await versions.list(request.params.name)).map(presentVersion) }),
  );

  app.post(
    '/model-versions/search',
    { schema: { tags, body: SearchBody, response: { 200: ListReply } } },
    async (request) => {
      const result = await versions.search(request.body);
      return { modelVersions: result.versions.map(presentVersion), nextPageToken: result.nextPageToken };
    },
  );

  app.get(
    '/registered-models/:name/versions/:version',
    { schema: { tags, params: VersionParams, response: { 200: VersionReply } } },
    async (request) => ({
      modelVersion: presentVersion(await versions.get(request.params.name, request.params.version)),
    }),
  );

  app.patch(
    '/registered-models/:name/versions/:version',
    { schema: { tags, params: VersionParams, body: UpdateVersionBody, response: { 200: VersionReply } } },
    async (request) => ({
      modelVersion: presentVersion(await versions.update(request.params.name, request.params.version, request.body)),
    }),
  );

  app.delete(
    '/registered-models/:name/versions/:version',
    { schema: { tags, params: VersionParams, response: { 200: Type.Object({}) } } },
    async (request) => {
      await versions.delete(request.params.name, request.params.version);
      return {};
    },
  );

  app.put(
    '/registered-models/:name/versions/:version/tags',
    { schema: { tags, params: VersionParams, body: SetTagsBody, response: { 200: VersionReply } } },
    async (request) => {
      const { name, version } = request.params;
      return { modelVersion: presentVersion(await versions.setTags(name, version, fromMap(request.body.tags))) };
    },
  );

  app.delete(
    '/registered-models/:name/versions/:version/tags/:key',
    {
      schema: {
        tags,
        params: Type.Object({ name: Type.String({ maxLength: 500 }), version: VersionNumber, key: Type.String() }),
        response: { 200: VersionReply },
      },
    },
    async (request) => {
      const { name, version, key } = request.params;
      return { modelVersion: presentVersion(await versions.deleteTag(name, version, key)) };
    },
  );

  app.post(
    '/registered-models/:name/versions/:version/stage',
    { schema: { tags, params: VersionParams, body: TransitionBody, response: { 200: VersionReply } } },
    async (request) => {
      const { name, version } = request.params;
      const { stage, archiveExistingVersions, reason } = request.body;
      const moved = await registry.stages.transition({ name, version, stage, archiveExistingVersions, reason });
      return { modelVersion: presentVersion(moved) };
    },
  );

  app.get(
    '/registered-models/:name/versions/:version/history',
    {
      schema: {
        tags,
        params: VersionParams,
        response: { 200: Type.Object({ transitions: Type.Array(TransitionJson) }) },
      },
    },
    async (request) => ({ transitions: await registry.stages.history(request.params.name, request.params.version) }),
  );

  app.get(
    '/registered-models/:name/versions/:version/manifest',
    { schema: { tags, params: VersionParams, response: { 200: ManifestJson } } },
    async (request) => versions.manifest(request.params.name, request.params.version),
  );
}
