import { Type } from '@sinclair/typebox';
import type { RegistryService } from '../../../services/registry/registry-service.js';
import { server } from '../../access/locators.js';
import { access, needs, SIGNED_IN } from '../../access/route-access.js';
import type { TypedApp } from '../../typed-app.js';

const tags = ['metadata schemas'];
const Mode = Type.String({
  maxLength: 32,
  description: 'BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE',
});
const SchemaBody = Type.Unknown({ description: 'a JSON Schema (draft 2020-12) object, or true/false' });
const SubjectParams = Type.Object({
  subject: Type.String({
    minLength: 1,
    maxLength: 520,
    description: 'model, model_version, dataset or run, optionally :<name>',
  }),
});
const VersionParams = Type.Object({
  subject: Type.String({ minLength: 1, maxLength: 520 }),
  version: Type.String({ pattern: '^([0-9]{1,9}|latest)$' }),
});
const SchemaJson = Type.Object({
  subject: Type.String(),
  version: Type.Integer(),
  schema: Type.Unknown(),
  schemaDigest: Type.String(),
  creationTime: Type.Integer(),
});
const SubjectJson = Type.Object({
  subject: Type.String(),
  compatibility: Type.String(),
  latestVersion: Type.Integer(),
  creationTime: Type.Integer(),
  lastUpdatedTime: Type.Integer(),
});
const ProblemJson = Type.Object({ version: Type.Integer(), direction: Type.String(), reason: Type.String() });
const ViolationJson = Type.Object({ path: Type.String(), message: Type.String() });

/**
 * The metadata schema registry. Registering a version that breaks the subject's compatibility mode is refused
 * with 409 INVALID_STATE and every reason in `problems`.
 */
export async function schemaRoutes(app: TypedApp, { registry }: { registry: RegistryService }) {
  const schemas = registry.schemas;

  app.get(
    '/schemas',
    {
      config: access(SIGNED_IN),
      schema: { tags, response: { 200: Type.Object({ subjects: Type.Array(SubjectJson) }) } },
    },
    async () => ({ subjects: await schemas.subjects() }),
  );

  app.get(
    '/schemas/:subject',
    { config: access(SIGNED_IN), schema: { tags, params: SubjectParams, response: { 200: SubjectJson } } },
    async (request) => await schemas.subject(request.params.subject),
  );

  app.put(
    '/schemas/:subject/config',
    {
      config: access(needs('manage', server)),
      schema: {
        tags,
        params: SubjectParams,
        body: Type.Object({ compatibility: Mode }, { additionalProperties: false }),
        response: { 200: SubjectJson },
      },
    },
    async (request) => await schemas.setCompatibility(request.params.subject, request.body.compatibility),
  );

  app.get(
    '/schemas/:subject/versions',
    {
      config: access(SIGNED_IN),
      schema: { tags, params: SubjectParams, response: { 200: Type.Object({ versions: Type.Array(SchemaJson) }) } },
    },
    async (request) => ({ versions: await schemas.versions(request.params.subject) }),
  );

  app.post(
    '/schemas/:subject/versions',
    {
      config: access(needs('manage', server)),
      schema: {
        tags,
        params: SubjectParams,
        body: Type.Object(
          { schema: SchemaBody, compatibility: Type.Optional(Mode) },
          { additionalProperties: false, required: ['schema'] },
        ),
        response: { 200: SchemaJson, 201: SchemaJson },
      },
    },
    async (request, reply) => {
      const { schema, compatibility } = request.body;
      const result = await schemas.register(request.params.subject, schema, compatibility);
      return reply.status(result.created ? 201 : 200).send(result.schema);
    },
  );

  app.get(
    '/schemas/:subject/versions/:version',
    { config: access(SIGNED_IN), schema: { tags, params: VersionParams, response: { 200: SchemaJson } } },
    async (request) => await schemas.get(request.params.subject, request.params.version),
  );

  app.post(
    '/schemas/:subject/compatibility',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        params: SubjectParams,
        body: Type.Object({ schema: SchemaBody }, { additionalProperties: false, required: ['schema'] }),
        response: {
          200: Type.Object({
            subject: Type.String(),
            mode: Type.String(),
            compatible: Type.Boolean(),
            problems: Type.Array(ProblemJson),
          }),
        },
      },
    },
    async (request) => schemas.check(request.params.subject, request.body.schema),
  );

  app.post(
    '/schemas/:subject/versions/:version/validate',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        params: VersionParams,
        body: Type.Object({ document: Type.Unknown() }, { additionalProperties: false, required: ['document'] }),
        response: { 200: Type.Object({ valid: Type.Boolean(), violations: Type.Array(ViolationJson) }) },
      },
    },
    async (request) => {
      const violations = await schemas.validate(request.params.subject, request.params.version, request.body.document);
      return { valid: violations.length === 0, violations };
    },
  );
}
