import { Type } from '@sinclair/typebox';
import type { Services } from '../../services/services.js';
import type { NamedScope } from '../../services/tracking/run-requirement-service.js';
import { experimentAt } from '../access/locators.js';
import { ADMIN, access, needs, SIGNED_IN } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';
import { IdParams } from './schemas.js';

const tags = ['run requirements'];
const Key = Type.String({ minLength: 1, maxLength: 250 });

const RequirementsJson = Type.Object(
  {
    params: Type.Optional(Type.Array(Key, { maxItems: 100, description: 'params every run must log (seed)' })),
    metrics: Type.Optional(Type.Array(Key, { maxItems: 100, description: 'evaluation metrics every run must log' })),
    datasetInput: Type.Optional(Type.Boolean({ description: 'at least one dataset logged as an input' })),
    dataQualityCheck: Type.Optional(
      Type.Boolean({ description: 'the tag mnemo.data_quality set to passed, failed or warning' }),
    ),
    negativeResultNote: Type.Optional(
      Type.Boolean({ description: 'a negative result needs a note in mlflow.note.content' }),
    ),
    negativeWhen: Type.Optional(
      Type.Array(
        Type.Object(
          { metric: Key, below: Type.Optional(Type.Number()), above: Type.Optional(Type.Number()) },
          { additionalProperties: false },
        ),
        { maxItems: 100, description: 'metric thresholds making a result negative, beside mnemo.result=negative' },
      ),
    ),
  },
  { additionalProperties: false },
);

const StoredJson = Type.Object({
  scope: Type.String(),
  requirements: RequirementsJson,
  creationTime: Type.Integer(),
  lastUpdatedTime: Type.Integer(),
});

const EffectiveJson = Type.Object({ requirements: RequirementsJson, sources: Type.Array(StoredJson) });
const TeamParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

/**
 * Required metadata for runs: what the server, a team (for the experiments it manages) and an experiment require
 * of a finished run. Experiment managers set their experiment's; administrators the server's and teams'.
 */
export async function runRequirementRoutes(app: TypedApp, { services }: { services: Services }) {
  const service = services.runRequirements;
  const server: NamedScope = { kind: 'server' };
  const experiment = experimentAt('params', 'experimentId');
  const ExperimentParams = IdParams('experimentId');
  const put = { tags, body: RequirementsJson, response: { 200: StoredJson } };
  const removed = { tags, response: { 200: Type.Object({}) } };

  app.get(
    '/run-requirements/server',
    { config: access(SIGNED_IN), schema: { tags, response: { 200: StoredJson } } },
    async () => service.get(server),
  );
  app.put('/run-requirements/server', { config: access(ADMIN), schema: put }, async (request) =>
    service.put(server, request.body),
  );
  app.delete('/run-requirements/server', { config: access(ADMIN), schema: removed }, async () => {
    await service.delete(server);
    return {};
  });

  app.get(
    '/teams/:name/run-requirements',
    { config: access(SIGNED_IN), schema: { tags, params: TeamParams, response: { 200: StoredJson } } },
    async (request) => service.get({ kind: 'team', team: request.params.name }),
  );
  app.put(
    '/teams/:name/run-requirements',
    { config: access(ADMIN), schema: { ...put, params: TeamParams } },
    async (request) => service.put({ kind: 'team', team: request.params.name }, request.body),
  );
  app.delete(
    '/teams/:name/run-requirements',
    { config: access(ADMIN), schema: { ...removed, params: TeamParams } },
    async (request) => {
      await service.delete({ kind: 'team', team: request.params.name });
      return {};
    },
  );

  // An experiment's answer is everything its runs must carry (server, teams and its own), with where each part
  // comes from.
  app.get(
    '/experiments/:experimentId/run-requirements',
    {
      config: access(needs('read', experiment)),
      schema: { tags, params: ExperimentParams, response: { 200: EffectiveJson } },
    },
    async (request) => service.effective(request.params.experimentId),
  );
  app.put(
    '/experiments/:experimentId/run-requirements',
    { config: access(needs('manage', experiment)), schema: { ...put, params: ExperimentParams } },
    async (request) => service.put({ kind: 'experiment', experimentId: request.params.experimentId }, request.body),
  );
  app.delete(
    '/experiments/:experimentId/run-requirements',
    { config: access(needs('manage', experiment)), schema: { ...removed, params: ExperimentParams } },
    async (request) => {
      await service.delete({ kind: 'experiment', experimentId: request.params.experimentId });
      return {};
    },
  );
}
