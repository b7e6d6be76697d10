import { Type } from '@sinclair/typebox';
import type { RegistryService } from '../../../services/registry/registry-service.js';
import { modelAt } from '../../access/locators.js';
import { access, needs } from '../../access/route-access.js';
import type { TypedApp } from '../../typed-app.js';
import { VersionParams } from './registry-schemas.js';

const tags = ['registry'];
const Label = Type.String({ minLength: 1, maxLength: 500 });
const EvaluationBody = Type.Object(
  {
    results: Type.Array(
      Type.Object(
        {
          metric: Type.String({ minLength: 1, maxLength: 250 }),
          value: Type.Number(),
          slice: Type.Optional(Label),
          datasetVersion: Type.Optional(Label),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);
const EvaluationJson = Type.Object({
  metric: Type.String(),
  value: Type.Number(),
  slice: Type.String(),
  datasetVersion: Type.Union([Type.String(), Type.Null()]),
  recordedTime: Type.Integer(),
});
const ChecksBody = Type.Object(
  {
    checks: Type.Array(
      Type.Object(
        {
          kind: Type.String({ description: 'fairness or drift', maxLength: 32 }),
          name: Type.String({ minLength: 1, maxLength: 250 }),
          passed: Type.Boolean(),
          value: Type.Optional(Type.Number()),
          threshold: Type.Optional(Type.Number()),
          slice: Type.Optional(Label),
          datasetVersion: Type.Optional(Label),
          details: Type.Optional(Type.Record(Type.String({ maxLength: 250 }), Type.Unknown(), { maxProperties: 100 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);
const CheckJson = Type.Object({
  kind: Type.String(),
  name: Type.String(),
  passed: Type.Boolean(),
  value: Type.Union([Type.Number(), Type.Null()]),
  threshold: Type.Union([Type.Number(), Type.Null()]),
  slice: Type.Union([Type.String(), Type.Null()]),
  datasetVersion: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  recordedTime: Type.Integer(),
});
const EvaluationsReply = Type.Object({ evaluations: Type.Array(EvaluationJson) });
const ChecksReply = Type.Object({ checks: Type.Array(CheckJson) });
const path = '/registered-models/:name/versions/:version';

/** Evaluation results per data slice and fairness / drift check results of a model version. */
export async function evaluationRoutes(app: TypedApp, { registry }: { registry: RegistryService }) {
  const evaluations = registry.evaluations;

  app.post(
    `${path}/evaluations`,
    {
      config: access(needs('edit', modelAt('params', 'name'))),
      schema: { tags, params: VersionParams, body: EvaluationBody, response: { 201: EvaluationsReply } },
    },
    async (request, reply) => {
      const { name, version } = request.params;
      return reply.status(201).send({ evaluations: await evaluations.record(name, version, request.body.results) });
    },
  );

  app.get(
    `${path}/evaluations`,
    {
      config: access(needs('read', modelAt('params', 'name'))),
      schema: { tags, params: VersionParams, response: { 200: EvaluationsReply } },
    },
    async (request) => ({ evaluations: await evaluations.list(request.params.name, request.params.version) }),
  );

  app.post(
    `${path}/checks`,
    {
      config: access(needs('edit', modelAt('params', 'name'))),
      schema: { tags, params: VersionParams, body: ChecksBody, response: { 201: ChecksReply } },
    },
    async (request, reply) => {
      const { name, version } = request.params;
      return reply.status(201).send({ checks: await evaluations.recordChecks(name, version, request.body.checks) });
    },
  );

  app.get(
    `${path}/checks`,
    {
      config: access(needs('read', modelAt('params', 'name'))),
      schema: { tags, params: VersionParams, response: { 200: ChecksReply } },
    },
    async (request) => ({ checks: await evaluations.checks(request.params.name, request.params.version) }),
  );
}
