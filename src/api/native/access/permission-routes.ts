import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RoleName } from '../../../domain/access/access-types.js';
import { invalid } from '../../../domain/errors.js';
import type { BindingTarget } from '../../../services/access/permission-service.js';
import type { Services } from '../../../services/services.js';
import { datasetAt, experimentAt, firstOf, modelAt, server } from '../../access/locators.js';
import { ADMIN, access, needs } from '../../access/route-access.js';
import { BindingBody, BindingJson, RestrictionBody, RestrictionJson } from './access-schemas.js';

const tags = ['access'];

interface Binding {
  role?: RoleName;
  user?: string;
  team?: string;
  experiment?: string;
  model?: string;
  dataset?: string;
  global?: boolean;
}

/** Whoever manages a resource may grant and revoke roles on it; global roles are granted by global managers. */
const managerOfTarget = (part: 'body' | 'query') =>
  needs(
    'manage',
    firstOf(experimentAt(part, 'experiment'), modelAt(part, 'model'), datasetAt(part, 'dataset'), server),
  );

function targetOf(body: Binding): BindingTarget {
  if ((body.user === undefined) === (body.team === undefined)) throw invalid('Name exactly one of user and team');
  const resources = [body.experiment, body.model, body.dataset].filter((r) => r !== undefined);
  if (resources.length + (body.global === true ? 1 : 0) !== 1) {
    throw invalid('Name exactly one of experiment, model, dataset and global');
  }
  return {
    subject: body.user !== undefined ? { kind: 'user', name: body.user } : { kind: 'team', name: body.team ?? '' },
    resource:
      body.experiment !== undefined
        ? { kind: 'experiment', id: body.experiment }
        : body.model !== undefined
          ? { kind: 'model', id: body.model }
          : body.dataset !== undefined
            ? { kind: 'dataset', id: body.dataset }
            : { kind: 'global', id: '' },
  };
}

export async function permissionRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const permissions = services.access.permissions;

  app.post<{ Body: Binding }>(
    '/permissions',
    {
      config: access(managerOfTarget('body')),
      schema: {
        tags,
        summary: 'Grant a role to a user or team',
        body: BindingBody,
        response: { 200: Type.Object({ permission: BindingJson }) },
      },
    },
    async (request) => {
      if (!request.body.role) throw invalid('Name the role to grant: reader, editor or manager');
      return { permission: await permissions.grant(request.body.role, targetOf(request.body)) };
    },
  );

  app.delete<{ Body: Binding }>(
    '/permissions',
    {
      config: access(managerOfTarget('body')),
      schema: { tags, summary: 'Revoke the role a user or team holds on a resource', body: BindingBody },
    },
    async (request, reply) => {
      await permissions.revoke(targetOf(request.body));
      return reply.status(204).send();
    },
  );

  app.get<{ Querystring: { experiment?: string; model?: string; dataset?: string } }>(
    '/permissions',
    {
      config: access(managerOfTarget('query')),
      schema: {
        tags,
        summary: 'Role bindings: all of them, or those on one experiment, registered model or dataset',
        querystring: Type.Object(
          {
            experiment: Type.Optional(Type.String({ maxLength: 64 })),
            model: Type.Optional(Type.String({ maxLength: 256 })),
            dataset: Type.Optional(Type.String({ maxLength: 2001 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ permissions: Type.Array(BindingJson) }) },
      },
    },
    async (request) => {
      const { experiment, model, dataset } = request.query;
      const all = await permissions.list();
      const on = (kind: string, id: string | undefined) => (b: (typeof all)[number]) =>
        id === undefined || (b.resource.kind === kind && b.resource.id === id);
      return {
        permissions: all.filter(
          (b) => on('experiment', experiment)(b) && on('model', model)(b) && on('dataset', dataset)(b),
        ),
      };
    },
  );

  app.put<{ Body: { experiment?: string; model?: string; dataset?: string; restricted: boolean } }>(
    '/restrictions',
    {
      config: access(managerOfTarget('body')),
      schema: {
        tags,
        summary: 'Mark an experiment, registered model or dataset restricted: only roles bound to it then see it',
        body: RestrictionBody,
      },
    },
    async (request, reply) => {
      const { experiment, model, dataset, restricted } = request.body;
      const named = (
        [
          ['experiment', experiment],
          ['model', model],
          ['dataset', dataset],
        ] as const
      ).filter(([, id]) => id !== undefined);
      const [only] = named;
      if (named.length !== 1 || !only) throw invalid('Name exactly one of experiment, model and dataset');
      await permissions.restrict(only[0], only[1] ?? '', restricted);
      return reply.status(204).send();
    },
  );

  app.get(
    '/restrictions',
    {
      config: access(ADMIN),
      schema: {
        tags,
        summary: 'Every restricted experiment (by id), registered model (by name) and dataset (<namespace>:<name>)',
        response: { 200: Type.Object({ restrictions: Type.Array(RestrictionJson) }) },
      },
    },
    async () => ({ restrictions: await permissions.listRestricted() }),
  );
}
