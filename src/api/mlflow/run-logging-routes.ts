import { invalid } from '../../domain/errors.js';
import type { Services } from '../../services/services.js';
import { runAt } from '../access/locators.js';
import { access, needs } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';
import { checkMlflowBatchLimits } from './batch-limits.js';
import { parseLoggedModel } from './logged-model.js';
import { runIdOf } from './run-ref.js';
import {
  DeleteTagBody,
  KeyValueRunBody,
  LogBatchBody,
  LogInputsBody,
  LogMetricBody,
  LogModelBody,
  RunOutputsBody,
} from './tracking-schemas.js';
import { toInteger } from './wire-values.js';

/** A full MLflow batch (1000 metrics, 100 params of 6000 characters, 100 tags of 8000) fits with room to spare. */
const BATCH_BODY_LIMIT = 8 * 1024 * 1024;

/** runs/log-metric, log-parameter, set-tag, delete-tag, log-batch, log-inputs, log-model, outputs. */
export async function mlflowRunLoggingRoutes(app: TypedApp, { services }: { services: Services }) {
  const runs = services.runs;

  app.post(
    '/runs/log-metric',
    { config: access(needs('edit', runAt('body', 'run_id', 'run_uuid'))), schema: { body: LogMetricBody } },
    async (request) => {
      const { key, value, timestamp, step, model_id, dataset_name, dataset_digest } = request.body;
      await runs.logBatch(runIdOf(request.body), {
        metrics: [
          {
            key,
            value,
            timestamp: toInteger(timestamp, 'timestamp'),
            step: toInteger(step, 'step'),
            modelId: model_id,
            datasetName: dataset_name,
            datasetDigest: dataset_digest,
          },
        ],
      });
      return {};
    },
  );

  app.post(
    '/runs/log-parameter',
    { config: access(needs('edit', runAt('body', 'run_id', 'run_uuid'))), schema: { body: KeyValueRunBody } },
    async (request) => {
      const { key, value } = request.body;
      await runs.logBatch(runIdOf(request.body), { params: [{ key, value }] });
      return {};
    },
  );

  app.post(
    '/runs/set-tag',
    { config: access(needs('edit', runAt('body', 'run_id', 'run_uuid'))), schema: { body: KeyValueRunBody } },
    async (request) => {
      const { key, value } = request.body;
      await runs.setTag(runIdOf(request.body), { key, value });
      return {};
    },
  );

  app.post(
    '/runs/delete-tag',
    { config: access(needs('edit', runAt('body', 'run_id', 'run_uuid'))), schema: { body: DeleteTagBody } },
    async (request) => {
      await runs.deleteTag(request.body.run_id, request.body.key);
      return {};
    },
  );

  app.post(
    '/runs/log-batch',
    {
      config: access(needs('edit', runAt('body', 'run_id', 'run_uuid'))),
      bodyLimit: BATCH_BODY_LIMIT,
      schema: { body: LogBatchBody },
    },
    async (request) => {
      const { run_id, metrics = [], params = [], tags = [] } = request.body;
      checkMlflowBatchLimits({ metrics: metrics.length, params: params.length, tags: tags.length });
      // An empty batch changes nothing, but MLflow still answers 404 for a run that does not exist.
      if (metrics.length + params.length + tags.length === 0) await runs.get(run_id);
      await runs.logBatch(run_id, {
        // Numbers (what the Python client sends) pass as they are and logBatch checks them; only decimal strings
        // are converted here, so the 1,000 points of a batch do not each build two field names for a message.
        metrics: metrics.map((m, i) => {
          if (m.run_id !== undefined && m.run_id !== run_id) {
            throw invalid(`metrics[${i}].run_id '${m.run_id}' is not the batch's run (${run_id})`);
          }
          return {
            key: m.key,
            value: m.value,
            timestamp:
              typeof m.timestamp === 'string' ? toInteger(m.timestamp, `metrics[${i}].timestamp`) : m.timestamp,
            step: typeof m.step === 'string' ? toInteger(m.step, `metrics[${i}].step`) : m.step,
            modelId: m.model_id,
            datasetName: m.dataset_name,
            datasetDigest: m.dataset_digest,
          };
        }),
        params,
        tags,
      });
      return {};
    },
  );

  app.post(
    '/runs/log-inputs',
    {
      config: access(needs('edit', runAt('body', 'run_id', 'run_uuid'))),
      bodyLimit: BATCH_BODY_LIMIT,
      schema: { body: LogInputsBody },
    },
    async (request) => {
      const datasets = (request.body.datasets ?? []).map(({ dataset, tags = [] }) => ({
        name: dataset.name,
        digest: dataset.digest,
        sourceType: dataset.source_type,
        source: dataset.source,
        schema: dataset.schema ?? null,
        profile: dataset.profile ?? null,
        tags,
      }));
      const models = (request.body.models ?? []).map((m) => m.model_id);
      // An empty request still has to name a run that exists, as it does in MLflow.
      if (datasets.length + models.length === 0) await runs.get(request.body.run_id);
      if (datasets.length > 0) await runs.logInputs(request.body.run_id, datasets);
      if (models.length > 0) await services.loggedModels.logModelInputs(request.body.run_id, models);
      return {};
    },
  );

  // MLflow 3: the LoggedModels a run produced, each at a step.
  app.post(
    '/runs/outputs',
    { config: access(needs('edit', runAt('body', 'run_id', 'run_uuid'))), schema: { body: RunOutputsBody } },
    async (request) => {
      await services.loggedModels.logOutputs(
        request.body.run_id,
        request.body.models.map((m, i) => ({ modelId: m.model_id, step: toInteger(m.step, `models[${i}].step`) ?? 0 })),
      );
      return {};
    },
  );

  app.post(
    '/runs/log-model',
    {
      config: access(needs('edit', runAt('body', 'run_id', 'run_uuid'))),
      bodyLimit: BATCH_BODY_LIMIT,
      schema: { body: LogModelBody },
    },
    async (request) => {
      await runs.appendLoggedModel(request.body.run_id, parseLoggedModel(request.body.model_json));
      return {};
    },
  );
}
