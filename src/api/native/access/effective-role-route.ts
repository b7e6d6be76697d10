import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ProtectedResource } from '../../../domain/access/access-decision.js';
import { invalid } from '../../../domain/errors.js';
import type { Services } from '../../../services/services.js';
import { access, SIGNED_IN } from '../../access/route-access.js';
import { EffectiveRoleJson } from './access-schemas.js';

/**
 * The caller's own role on one experiment, registered model or dataset (`<namespace>:<name>`), so the web UI offers only the actions the server
 * would allow. It says nothing about who else holds roles, and an unknown experiment answers as an unrestricted one
 * would (an unknown registered model or dataset: null), so it reveals nothing the lists do not.
 */
export async function effectiveRoleRoute(app: FastifyInstance, { services }: { services: Services }) {
  const policy = services.access.policy;
  app.get<{ Querystring: { experiment?: string; model?: string; dataset?: string } }>(
    '/auth/permissions',
    {
      config: access(SIGNED_IN),
      schema: {
        tags: ['access'],
        summary: "The caller's effective role on an experiment, registered model or dataset",
        querystring: Type.Object(
          {
            experiment: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            model: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
            dataset: Type.Optional(Type.String({ minLength: 3, maxLength: 2001, description: '<namespace>:<name>' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: EffectiveRoleJson },
      },
    },
    async (request) => {
      const { experiment, model, dataset } = request.query;
      if ([experiment, model, dataset].filter((named) => named !== undefined).length !== 1)
        throw invalid('Name exactly one of experiment, model and dataset');
      const principal = request.principal;
      if (!principal) return { role: null };
      let resource: ProtectedResource | undefined;
      if (experiment !== undefined) resource = { kind: 'experiment', id: experiment };
      else if (dataset !== undefined) {
        const found = await policy.datasetNamed(dataset);
        resource = found && { kind: 'dataset', ...found };
      } else {
        const id = await policy.modelIdOf(model ?? '');
        resource = id === undefined ? undefined : { kind: 'model', id, name: model ?? '' };
      }
      return { role: resource ? await policy.effectiveRole(principal, resource) : null };
    },
  );
}
