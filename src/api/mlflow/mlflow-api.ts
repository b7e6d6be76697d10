import type { Services } from '../../services/services.js';
import { installErrorHandling } from '../errors.js';
import type { TypedApp } from '../typed-app.js';
import { mlflowArtifactListRoutes } from './artifact-list-routes.js';
import { mlflowArtifactProxyRoutes } from './artifact-proxy-routes.js';
import { mlflowExperimentRoutes } from './experiment-routes.js';
import { mlflowLoggedModelRoutes } from './logged-model-routes.js';
import { mlflowMetricRoutes } from './metric-routes.js';
import { mlflowModelVersionRoutes } from './model-version-routes.js';
import { mlflowRegisteredModelRoutes } from './registered-model-routes.js';
import { mlflowRunLoggingRoutes } from './run-logging-routes.js';
import { mlflowRunRoutes } from './run-routes.js';
import { MLFLOW_ARTIFACT_PREFIXES, MLFLOW_STATUS, MLFLOW_TRACKING_PREFIXES } from './status-map.js';
import { mlflowTransitionRequestRoutes } from './transition-request-routes.js';
import { mlflowWebhookRoutes } from './webhook-routes.js';

/**
 * The tracking and model registry API under one prefix. MLflow accepts only JSON bodies there, and so does this
 * adapter: any other content type is a 400 before a route runs.
 */
async function trackingApi(app: TypedApp, { services }: { services: Services }) {
  installErrorHandling(app, MLFLOW_STATUS);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  await app.register(mlflowExperimentRoutes, { services });
  await app.register(mlflowRunRoutes, { services });
  await app.register(mlflowRunLoggingRoutes, { services });
  await app.register(mlflowMetricRoutes, { services });
  await app.register(mlflowArtifactListRoutes, { services });
  await app.register(mlflowLoggedModelRoutes, { services });
  await app.register(mlflowRegisteredModelRoutes, { services });
  await app.register(mlflowModelVersionRoutes, { services });
  await app.register(mlflowWebhookRoutes, { services });
  await app.register(mlflowTransitionRequestRoutes, { services });
}

/**
 * MLflow's REST API as an adapter over Mnemo's services, so the official MLflow client works unchanged. Served under
 * each of MLflow's prefixes, each an encapsulated scope whose errors take MLflow's statuses (status-map.ts).
 */
export async function mlflowApi(app: TypedApp, services: Services): Promise<void> {
  for (const prefix of MLFLOW_TRACKING_PREFIXES) await app.register(trackingApi, { prefix, services });
  for (const prefix of MLFLOW_ARTIFACT_PREFIXES) await app.register(artifactProxyApi, { prefix, services });
}

/** The artifact proxy under one prefix, with MLflow's statuses. */
async function artifactProxyApi(app: TypedApp, options: { services: Services }) {
  installErrorHandling(app, MLFLOW_STATUS);
  await app.register(mlflowArtifactProxyRoutes, { services: options.services });
}
