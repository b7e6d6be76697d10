import { Type } from '@sinclair/typebox';
import type { LoggedModel } from '../../domain/tracking/logged-model.js';
import { toWireNumber } from '../../sdk/wire/non-finite.js';
import type { Services } from '../../services/services.js';
import { loggedModelAt, runAt } from '../access/locators.js';
import { access, needs } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';
import { IdParams, LoggedModelJson } from './schemas.js';

const tags = ['logged-models'];
const toMap = (pairs: { key: string; value: string }[]) => Object.fromEntries(pairs.map((p) => [p.key, p.value]));

/** A LoggedModel with its top-level files and the versions registered from it, as the run and version pages show. */
async function present(services: Services, model: LoggedModel) {
  const [listing, registeredVersions] = await Promise.all([
    services.artifacts.listLoggedModel(model.modelId, ''),
    services.loggedModels.registrations(model.modelId),
  ]);
  return {
    ...model,
    tags: toMap(model.tags),
    params: toMap(model.params),
    metrics: model.metrics.map((m) => ({ ...m, value: toWireNumber(m.value) })),
    registeredVersions,
    files: listing.files,
  };
}

/** MLflow 3 LoggedModels in the native API: one model, and the models a run produced. */
export async function loggedModelRoutes(app: TypedApp, { services }: { services: Services }) {
  app.get(
    '/logged-models/:modelId',
    {
      config: access(needs('read', loggedModelAt('params', 'modelId'))),
      schema: { tags, params: IdParams('modelId'), response: { 200: Type.Object({ loggedModel: LoggedModelJson }) } },
    },
    async (request) => ({
      loggedModel: await present(services, await services.loggedModels.get(request.params.modelId)),
    }),
  );

  app.get(
    '/runs/:runId/logged-models',
    {
      config: access(needs('read', runAt('params', 'runId'))),
      schema: {
        tags,
        params: IdParams('runId'),
        response: { 200: Type.Object({ loggedModels: Type.Array(LoggedModelJson) }) },
      },
    },
    async (request) => {
      await services.runs.get(request.params.runId);
      const produced = await services.loggedModels.producedBy(request.params.runId);
      return { loggedModels: await Promise.all(produced.map((model) => present(services, model))) };
    },
  );
}
