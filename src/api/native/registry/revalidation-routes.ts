import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { RevalidationFlag } from '../../../domain/registry/revalidation.js';
import type { AccessPolicy } from '../../../services/access/access-policy.js';
import type { RegistryService } from '../../../services/registry/registry-service.js';
import { nodeVisibility } from '../../access/lineage-visibility.js';
import { modelAt } from '../../access/locators.js';
import { access, needs, SIGNED_IN } from '../../access/route-access.js';
import type { TypedApp } from '../../typed-app.js';
import { VersionParams } from './registry-schemas.js';
import { presentFlags } from './revalidation-presenter.js';
import { RevalidationFlagJson } from './revalidation-schemas.js';

const tags = ['registry'];
const path = '/registered-models/:name/versions/:version/revalidation';
const IncludeCleared = Type.Optional(
  Type.Union([Type.Literal('true'), Type.Literal('false')], { description: 'also the flags already cleared' }),
);
const VersionFlagsQuery = Type.Object({ includeCleared: IncludeCleared }, { additionalProperties: false });
const ListQuery = Type.Object(
  {
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'one registered model, by name' })),
    includeCleared: IncludeCleared,
    maxResults: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
  },
  { additionalProperties: false },
);
const ClearBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2000, description: 'why no revalidation is needed' }) },
  { additionalProperties: false },
);
const VersionFlagsReply = Type.Object({ needsRevalidation: Type.Boolean(), flags: Type.Array(RevalidationFlagJson) });
const ClearedReply = Type.Object({ cleared: Type.Array(RevalidationFlagJson) });
const ListReply = Type.Object({ revalidations: Type.Array(RevalidationFlagJson) });

/**
 * Revalidation flags: a version's own (read on its model), every flag the caller may read (restricted models the
 * caller holds no role on stay out of the list), and a manager's clearing with a reason.
 */
export async function revalidationRoutes(
  app: TypedApp,
  { registry, policy }: { registry: RegistryService; policy: AccessPolicy },
) {
  const revalidation = registry.revalidation;
  const shown = async (request: FastifyRequest, flags: RevalidationFlag[]) =>
    presentFlags(flags, (await nodeVisibility(request, policy)).visible);

  app.get(
    path,
    {
      config: access(needs('read', modelAt('params', 'name'))),
      schema: { tags, params: VersionParams, querystring: VersionFlagsQuery, response: { 200: VersionFlagsReply } },
    },
    async (request) => {
      const { name, version } = request.params;
      const flags = await revalidation.flagsOf(name, version, {
        includeCleared: request.query.includeCleared === 'true',
      });
      return { needsRevalidation: flags.some((f) => f.cleared === null), flags: await shown(request, flags) };
    },
  );

  app.post(
    `${path}/clear`,
    {
      config: access(needs('manage', modelAt('params', 'name'))),
      schema: { tags, params: VersionParams, body: ClearBody, response: { 200: ClearedReply } },
    },
    async (request) => {
      const { name, version } = request.params;
      return { cleared: await shown(request, await revalidation.clear(name, version, request.body.reason)) };
    },
  );

  app.get(
    '/revalidations',
    {
      config: access(SIGNED_IN),
      schema: { tags, querystring: ListQuery, response: { 200: ListReply } },
    },
    async (request) => {
      const flags = await revalidation.list({
        visible: await request.readable('model'),
        model: request.query.model,
        includeCleared: request.query.includeCleared === 'true',
        maxResults: request.query.maxResults === undefined ? undefined : Number(request.query.maxResults),
      });
      return { revalidations: await shown(request, flags) };
    },
  );
}
