import { Type } from '@sinclair/typebox';
import type { AccessPolicy } from '../../../services/access/access-policy.js';
import type { RegistryService } from '../../../services/registry/registry-service.js';
import { nodeVisibility } from '../../access/lineage-visibility.js';
import { modelAt, runAt, versionSourceAt } from '../../access/locators.js';
import { access, allOf, needs, SIGNED_IN } from '../../access/route-access.js';
import { RequestReply } from '../../approvals/approval-schemas.js';
import { orRequested } from '../../approvals/or-requested.js';
import type { TypedApp } from '../../typed-app.js';
import { fromMap } from '../presenters.js';
import { requireAdministrator } from './policy-override.js';
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
import { presentFlags } from './revalidation-presenter.js';

const tags = ['registry'];
const VersionReply = Type.Object({ modelVersion: VersionJson });
const ListReply = Type.Object({ modelVersions: Type.Array(VersionJson), nextPageToken: Type.Optional(Type.String()) });

export async function versionRoutes(
  app: TypedApp,
  { registry, policy }: { registry: RegistryService; policy: AccessPolicy },
) {
  const versions = registry.versions;

  app.post(
    '/registered-models/:name/versions',
    {
      config: access(
        allOf(
          needs('edit', modelAt('params', 'name')),
          needs('read', runAt('body', 'runId')),
          needs('read', versionSourceAt('body', 'source')),
        ),
      ),
      schema: { tags, params: ModelParams, body: CreateVersionBody, response: { 201: VersionReply } },
    },
    async (request, reply) => {
      const { tags: tagMap, ...rest } = request.body;
      const version = await versions.create({ ...rest, name: request.params.name, tags: fromMap(tagMap) });
      return reply.status(201).send({ modelVersion: presentVersion(version) });
    },
  );

  app.get(
    '/registered-models/:name/versions',
    {
      config: access(needs('read', modelAt('params', 'name'))),
      schema: { tags, params: ModelParams, response: { 200: ListReply } },
    },
    async (request) => ({ modelVersions: (await versions.list(request.params.name)).map(presentVersion) }),
  );

  app.post(
    '/model-versions/search',
    { config: access(SIGNED_IN), schema: { tags, body: SearchBody, response: { 200: ListReply } } },
    async (request) => {
      const result = await versions.search({ ...request.body, visible: await request.readable('model') });
      return { modelVersions: result.versions.map(presentVersion), nextPageToken: result.nextPageToken };
    },
  );

  app.get(
    '/registered-models/:name/versions/:version',
    {
      config: access(needs('read', modelAt('params', 'name'))),
      schema: { tags, params: VersionParams, response: { 200: VersionReply } },
    },
    async (request) => {
      const { name, version } = request.params;
      const found = await versions.get(name, version);
      const flags = await registry.revalidation.flagsOf(name, version);
      const revalidationFlags = await presentFlags(flags, (await nodeVisibility(request, policy)).visible);
      return {
        modelVersion: {
          ...presentVersion(found),
          needsRevalidation: revalidationFlags.length > 0,
          revalidationFlags,
        },
      };
    },
  );

  app.patch(
    '/registered-models/:name/versions/:version',
    {
      config: access(needs('edit', modelAt('params', 'name'))),
      schema: { tags, params: VersionParams, body: UpdateVersionBody, response: { 200: VersionReply } },
    },
    async (request) => ({
      modelVersion: presentVersion(await versions.update(request.params.name, request.params.version, request.body)),
    }),
  );

  app.delete(
    '/registered-models/:name/versions/:version',
    {
      config: access(needs('manage', modelAt('params', 'name'))),
      schema: { tags, params: VersionParams, response: { 200: Type.Object({}) } },
    },
    async (request) => {
      await versions.delete(request.params.name, request.params.version);
      return {};
    },
  );

  app.put(
    '/registered-models/:name/versions/:version/tags',
    {
      config: access(needs('edit', modelAt('params', 'name'))),
      schema: { tags, params: VersionParams, body: SetTagsBody, response: { 200: VersionReply } },
    },
    async (request) => {
      const { name, version } = request.params;
      return { modelVersion: presentVersion(await versions.setTags(name, version, fromMap(request.body.tags))) };
    },
  );

  app.delete(
    '/registered-models/:name/versions/:version/tags/:key',
    {
      config: access(needs('edit', modelAt('params', 'name'))),
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
    {
      config: access(needs('edit', modelAt('params', 'name'))),
      schema: {
        tags,
        params: VersionParams,
        body: TransitionBody,
        response: { 200: VersionReply, 202: RequestReply },
      },
    },
    async (request, reply) => {
      const { name, version } = request.params;
      const { stage, archiveExistingVersions, reason, override } = request.body;
      if (override) requireAdministrator(request);
      // A protected stage is not entered: the transition request made instead is the answer (202).
      return orRequested(reply, async () => {
        const moved = await registry.stages.transition({
          name,
          version,
          stage,
          archiveExistingVersions,
          reason,
          override,
        });
        return { modelVersion: presentVersion(moved) };
      });
    },
  );

  app.get(
    '/registered-models/:name/versions/:version/history',
    {
      config: access(needs('read', modelAt('params', 'name'))),
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
    {
      config: access(needs('read', modelAt('params', 'name'))),
      schema: { tags, params: VersionParams, response: { 200: ManifestJson } },
    },
    async (request) => versions.manifest(request.params.name, request.params.version),
  );
}
