import { Type } from '@sinclair/typebox';
import type { Services } from '../../services/services.js';
import { experimentAt, experimentsAt } from '../access/locators.js';
import { access, needs } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';
import { ExperimentActivityJson, ExperimentKeysJson, IdParams } from './schemas.js';

const tags = ['experiments'];

const ActivityBody = Type.Object(
  { experimentIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 1000 }) },
  { additionalProperties: false },
);

/** Summaries the web UI lists and autocompletes from; they are plain reads any client may use. */
export async function uiSupportRoutes(app: TypedApp, { services }: { services: Services }) {
  app.post(
    '/experiments/activity',
    {
      config: access(needs('read', experimentsAt('body', 'experimentIds'))),
      schema: {
        tags,
        summary: 'Run counts and last activity time of several experiments',
        body: ActivityBody,
        response: { 200: Type.Object({ activity: Type.Array(ExperimentActivityJson) }) },
      },
    },
    async (request) => ({ activity: await services.experimentOverview.activity(request.body.experimentIds) }),
  );

  app.get(
    '/experiments/:experimentId/keys',
    {
      config: access(needs('read', experimentAt('params', 'experimentId'))),
      schema: {
        tags,
        summary: 'Distinct param, metric and tag keys logged by the active runs of an experiment',
        params: IdParams('experimentId'),
        response: { 200: ExperimentKeysJson },
      },
    },
    async (request) => services.experimentOverview.keys(request.params.experimentId),
  );
}
