import { Type } from '@sinclair/typebox';
import type { Services } from '../../../services/services.js';
import { access, SIGNED_IN } from '../../access/route-access.js';
import { literalUnion } from '../../literal-union.js';
import type { TypedApp } from '../../typed-app.js';

const ImpactQuery = Type.Object(
  {
    package: Type.String({ minLength: 1, maxLength: 214 }),
    kind: Type.Optional(literalUnion(['pypi', 'npm'] as const)),
    versions: Type.String({
      minLength: 1,
      maxLength: 1000,
      description: 'the affected versions: a PEP 440 specifier (pypi) or an npm range, e.g. <2.0',
    }),
    stage: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    alias: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: false },
);

const Step = Type.Object({
  from: Type.String(),
  to: Type.String(),
  type: literalUnion(['depends_on', 'provides', 'deployed_to'] as const),
  specifier: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
});

const ImpactAnswer = Type.Object({
  package: Type.Object({ kind: literalUnion(['pypi', 'npm'] as const), name: Type.String(), nodeId: Type.String() }),
  versions: Type.String(),
  stage: Type.Union([Type.String(), Type.Null()]),
  alias: Type.Union([Type.String(), Type.Null()]),
  modelVersions: Type.Array(
    Type.Object({
      nodeId: Type.String(),
      model: Type.String(),
      version: Type.Number(),
      stage: Type.String(),
      declarations: Type.Array(
        Type.Object({
          specifier: Type.String(),
          marker: Type.Optional(Type.String()),
          witness: Type.Union([Type.String(), Type.Null()]),
        }),
      ),
      path: Type.Array(Step),
    }),
  ),
  targets: Type.Array(
    Type.Object({ nodeId: Type.String(), target: Type.String(), installed: Type.String(), path: Type.Array(Step) }),
  ),
  deployments: Type.Array(
    Type.Object({
      nodeId: Type.String(),
      deploymentId: Type.String(),
      model: Type.String(),
      version: Type.Number(),
      stage: Type.String(),
      target: Type.String(),
      installed: Type.String(),
      path: Type.Array(Step),
    }),
  ),
});

/**
 * "Which Production models depend on numpy below 2.0, and which deployments run an affected numpy?" in one question,
 * answered along the package edges of the lineage graph. Only model versions the caller may read are considered.
 */
export async function packageImpactRoutes(app: TypedApp, { services }: { services: Services }) {
  app.get(
    '/dependencies/impact',
    {
      config: access(SIGNED_IN),
      schema: {
        tags: ['dependencies'],
        summary:
          'Model versions whose declared constraint admits a version in a range, and the targets and deployments running one',
        querystring: ImpactQuery,
        response: { 200: ImpactAnswer },
      },
    },
    async (request) => {
      const { package: name, kind, versions, stage, alias } = request.query;
      return services.lineageQueries.packageImpact(
        {
          kind: kind ?? 'pypi',
          package: name,
          versions,
          ...(stage !== undefined ? { stage } : {}),
          ...(alias !== undefined ? { alias } : {}),
        },
        await request.readable('model'),
      );
    },
  );
}
