import { Type } from '@sinclair/typebox';
import type { RegistryService } from '../../../services/registry/registry-service.js';
import { server } from '../../access/locators.js';
import { access, needs } from '../../access/route-access.js';
import type { TypedApp } from '../../typed-app.js';

const tags = ['registry governance'];
const Query = Type.Object(
  {
    kind: Type.Optional(Type.Union([Type.Literal('model'), Type.Literal('model_version')])),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    maxScore: Type.Optional(Type.String({ pattern: '^(0(\\.[0-9]+)?|1(\\.0+)?)$', description: 'between 0 and 1' })),
    maxResults: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$', description: 'records per page, 1–1000' })),
    pageToken: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
const RecordJson = Type.Object({
  kind: Type.String(),
  name: Type.String(),
  version: Type.Union([Type.Integer(), Type.Null()]),
  schema: Type.Union([Type.Object({ subject: Type.String(), version: Type.Integer() }), Type.Null()]),
  score: Type.Number(),
  present: Type.Integer(),
  expected: Type.Integer(),
  missing: Type.Array(Type.Object({ path: Type.String(), level: Type.String() })),
});
const Reply = Type.Object({
  records: Type.Array(RecordJson),
  summary: Type.Object({ records: Type.Integer(), averageScore: Type.Number(), complete: Type.Integer() }),
  nextPageToken: Type.Optional(Type.String()),
});

/** How complete each model and version is against its kind's schema, and what is missing; paged, with a summary. */
export async function completenessRoutes(app: TypedApp, { registry }: { registry: RegistryService }) {
  app.get(
    '/registry/completeness',
    { config: access(needs('read', server)), schema: { tags, querystring: Query, response: { 200: Reply } } },
    async (request) => {
      const { kind, name, maxScore, maxResults, pageToken } = request.query;
      return registry.completeness.report({
        kind,
        name,
        maxScore: maxScore === undefined ? undefined : Number(maxScore),
        maxResults: maxResults === undefined ? undefined : Number(maxResults),
        pageToken,
      });
    },
  );
}
