import type { TestServer } from '../support/test-server.js';
import { replay } from './replay.js';

/**
 * A small retail pipeline built the way users build it: Airflow extracts orders to the lake, Spark cleans them into
 * the warehouse (finishing before its START arrives), dbt builds customer features, a feature is registered on
 * them, a training run (an MLflow-style run linked from an OpenLineage event) trains model "churn" v1, which is
 * registered in the model registry, evaluated by another run and deployed to a target.
 */
export interface RetailGraph {
  source: string;
  raw: string;
  clean: string;
  customerFeatures: string;
  holdout: string;
  feature: string;
  featureVersionId: string;
  airflowRun: string;
  sparkRun: string;
  dbtRun: string;
  trainingRun: string;
  evaluationRun: string;
  environment: string;
  environmentId: string;
  codeRef: string;
  codeRefId: string;
  modelId: string;
  modelVersion: string;
  deployment: string;
  target: string;
}

async function ok<T>(api: TestServer, method: string, path: string, body?: unknown): Promise<T> {
  const { status, body: reply } = await api.call<T>(method, path, body);
  if (status >= 300) throw new Error(`${method} ${path} answered ${status}: ${JSON.stringify(reply)}`);
  return reply;
}

const versionNode = async (api: TestServer, namespace: string, name: string): Promise<string> => {
  const query = `namespace=${encodeURIComponent(namespace)}&name=${encodeURIComponent(name)}`;
  const reply = await ok<{ datasetVersions: { nodeId: string }[] }>(
    api,
    'GET',
    `/api/v1/lineage/dataset-versions?${query}`,
  );
  if (reply.datasetVersions.length !== 1) throw new Error(`expected one version of ${namespace}/${name}`);
  return reply.datasetVersions[0]!.nodeId;
};

export async function buildRetailGraph(api: TestServer): Promise<RetailGraph> {
  const [airflow] = await replay(api, 'airflow-extract-orders.json');
  const [spark] = await replay(api, 'spark-clean-orders.json');
  const [dbt] = await replay(api, 'dbt-customer-features.json');
  const source = await versionNode(api, 'postgres://orders-db.internal:5432', 'shop.public.orders');
  const raw = await versionNode(api, 's3://lake', 'raw/orders');
  const clean = await versionNode(api, 'postgres://warehouse.internal:5432', 'analytics.staging.orders_clean');
  const customerFeatures = await versionNode(
    api,
    'postgres://warehouse.internal:5432',
    'analytics.marts.customer_features',
  );

  const code = await ok<{ id: string; nodeId: string }>(api, 'POST', '/api/v1/lineage/code-refs', {
    repository: 'https://github.com/acme/churn-model',
    commit: '9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b',
  });
  const feature = await ok<{ id: string; nodeId: string }>(api, 'POST', '/api/v1/lineage/features', {
    name: 'customer_ltv',
    version: '1',
    pipeline: 'feast:customer_features',
    transformation: 'lifetime_value / nullif(order_count, 0)',
    codeRefId: code.id,
    inputDatasetVersionIds: [customerFeatures.slice('dataset_version:'.length)],
  });
  const environment = await ok<{ id: string; nodeId: string }>(api, 'POST', '/api/v1/lineage/environments', {
    os: 'Ubuntu 22.04',
    runtime: 'CPython 3.11.9',
    packages: { numpy: '1.26.4', 'scikit-learn': '1.4.2', pandas: '2.2.2' },
    hardware: { cpu: 'x86_64', gpus: 0, memoryGb: 32 },
    containerImageDigest: `sha256:${'ab'.repeat(32)}`,
  });

  const experiment = await ok<{ experiment: { experimentId: string } }>(api, 'POST', '/api/v1/experiments', {
    name: 'churn',
  });
  const experimentId = experiment.experiment.experimentId;
  const training = await ok<{ run: { runId: string } }>(api, 'POST', '/api/v1/runs', {
    experimentId,
    runName: 'train',
    userId: 'ana',
  });
  const trainingRun = training.run.runId;
  // The training job reports its input through OpenLineage, naming its MLflow run in a facet.
  await ok(api, 'POST', '/api/v1/lineage', {
    eventType: 'COMPLETE',
    eventTime: '2024-05-02T04:00:00Z',
    producer: 'https://github.com/acme/churn-model',
    run: {
      runId: '0190e0f0-0000-7000-8000-00000000a001',
      facets: {
        mlflow: {
          _producer: 'https://github.com/acme/churn-model',
          _schemaURL: 'https://example.com/mlflow.json',
          runId: trainingRun,
        },
      },
    },
    job: { namespace: 'ml-training', name: 'train_churn' },
    inputs: [
      {
        namespace: 'postgres://warehouse.internal:5432',
        name: 'analytics.marts.customer_features',
        facets: { version: { _producer: 'x', _schemaURL: 'y', datasetVersion: '2024-05-02' } },
      },
    ],
  });
  // A holdout set logged the MLflow way also becomes a consumed edge.
  await ok(api, 'POST', `/api/v1/runs/${trainingRun}/inputs`, {
    datasets: [
      {
        name: 'holdout',
        digest: 'd41d8cd9',
        sourceType: 'local',
        source: '{"uri": "file:///data/holdout.parquet"}',
        tags: { 'mlflow.data.context': 'evaluation' },
      },
    ],
  });
  const holdout = await versionNode(api, 'mlflow', 'holdout');

  await ok(api, 'POST', '/api/v1/registered-models', { name: 'churn' });
  const upload = await fetch(`${api.url}/api/v1/runs/${trainingRun}/artifacts/model/model.pkl`, {
    method: 'PUT',
    body: 'pickled model bytes',
  });
  if (!upload.ok) throw new Error(`artifact upload answered ${upload.status}`);
  await ok(api, 'POST', '/api/v1/registered-models/churn/versions', { source: `runs:/${trainingRun}/model` });
  const modelVersion = await ok<{ nodeId: string }>(api, 'POST', '/api/v1/lineage/model-versions', {
    modelId: 'churn',
    version: 1,
    featureVersionIds: [feature.id],
    environmentId: environment.id,
    codeRefId: code.id,
  });
  const modelId = modelVersion.nodeId.slice('model_version:'.length).split('/')[0]!;

  const evaluation = await ok<{ run: { runId: string } }>(api, 'POST', '/api/v1/runs', {
    experimentId,
    runName: 'evaluate',
  });
  const evaluationRun = evaluation.run.runId;
  await ok(api, 'POST', '/api/v1/lineage/edges', {
    from: modelVersion.nodeId,
    to: `run:${evaluationRun}`,
    type: 'consumed',
    runId: evaluationRun,
  });

  const target = await ok<{ deploymentTarget: { targetId: string; nodeId: string } }>(
    api,
    'POST',
    '/api/v1/lineage/deployment-targets',
    { name: 'prod-eu-west', environmentId: environment.id },
  );
  const deployment = await ok<{ deployment: { nodeId: string } }>(api, 'POST', '/api/v1/lineage/deployments', {
    modelId: 'churn',
    version: 1,
    targetId: target.deploymentTarget.targetId,
    deployedTime: Date.parse('2024-05-03T08:00:00Z'),
  });

  return {
    source,
    raw,
    clean,
    customerFeatures,
    holdout,
    feature: feature.nodeId,
    featureVersionId: feature.id,
    airflowRun: `run:${airflow!.runId}`,
    sparkRun: `run:${spark!.runId}`,
    dbtRun: `run:${dbt!.runId}`,
    trainingRun: `run:${trainingRun}`,
    evaluationRun: `run:${evaluationRun}`,
    environment: environment.nodeId,
    environmentId: environment.id,
    codeRef: code.nodeId,
    codeRefId: code.id,
    modelId,
    modelVersion: modelVersion.nodeId,
    deployment: deployment.deployment.nodeId,
    target: target.deploymentTarget.nodeId,
  };
}
