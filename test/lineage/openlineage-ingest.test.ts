import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { loadEvents, replay } from './replay.js';

type Run = {
  runId: string;
  experimentId: string;
  status: string;
  startTime: number;
  endTime: number | null;
  parentRunId: string | null;
  tags: Record<string, string>;
};
type DatasetVersion = {
  versionId: string;
  nodeId: string;
  version: string;
  uri: string;
  columns: { name: string; type: string }[];
  rowCount: number | null;
  qualityChecks: { name: string; passed: boolean; column: string }[];
  facets: Record<string, unknown>;
};

const AIRFLOW_RUN = '0190e0a4-6f1c-7a52-9c3e-1a2b3c4d5e01';
const SPARK_RUN = '0190e0b7-1d2e-7f30-8a11-bb22cc33dd02';

describe.each(backends)('OpenLineage ingest on $name', (backend) => {
  const api = useTestServer(backend);

  it('turns Airflow, Spark and dbt events into runs, dataset versions and edges, keeping every facet', async () => {
    await replay(api, 'airflow-extract-orders.json');
    await replay(api, 'spark-clean-orders.json');
    await replay(api, 'dbt-customer-features.json');

    for (const namespace of ['airflow-prod', 'spark-cluster', 'dbt-analytics']) {
      const { status } = await api.call('GET', `/api/v1/experiments/by-name/${encodeURIComponent(namespace)}`);
      expect(status).toBe(200);
    }

    const airflow = await api.call<{
      openLineageRun: {
        runId: string;
        status: string;
        runFacets: Record<string, unknown>;
        job: { facets: Record<string, unknown> };
        events: unknown[];
      };
    }>('GET', `/api/v1/lineage/openlineage/runs/${AIRFLOW_RUN}`);
    expect(airflow.status).toBe(200);
    expect(airflow.body.openLineageRun.status).toBe('FINISHED');
    expect(airflow.body.openLineageRun.events).toHaveLength(2);
    // A facet Mnemo has no use for is still there, byte for byte.
    expect(airflow.body.openLineageRun.runFacets.airflow).toMatchObject({
      dag: { dag_id: 'orders_daily', schedule_interval: '@daily', owner: 'data-eng' },
      taskInstance: { try_number: 1 },
    });
    expect(airflow.body.openLineageRun.job.facets.sql).toMatchObject({
      query: expect.stringContaining('COPY (SELECT'),
    });

    const run = await api.call<{ run: Run }>('GET', `/api/v1/runs/${airflow.body.openLineageRun.runId}`);
    expect(run.body.run.status).toBe('FINISHED');
    expect(run.body.run.startTime).toBe(Date.parse('2024-05-02T02:00:04.120Z'));
    expect(run.body.run.endTime).toBe(Date.parse('2024-05-02T02:03:41.880Z'));
    expect(run.body.run.tags['mnemo.openlineage.job']).toBe('airflow-prod/orders_daily.extract_orders');

    const raw = await api.call<{ datasetVersions: DatasetVersion[] }>(
      'GET',
      '/api/v1/lineage/dataset-versions?namespace=s3%3A%2F%2Flake&name=raw%2Forders',
    );
    expect(raw.body.datasetVersions).toHaveLength(1);
    const rawVersion = raw.body.datasetVersions[0]!;
    expect(rawVersion).toMatchObject({ version: `run:${AIRFLOW_RUN}`, uri: 's3://lake/raw/orders', rowCount: 184220 });
    expect(rawVersion.columns.map((c) => c.name)).toEqual(['order_id', 'customer_id', 'amount', 'ordered_at']);
    expect(rawVersion.facets.storage).toMatchObject({ storageLayer: 's3', fileFormat: 'parquet' });

    const marts = await api.call<{ datasetVersions: DatasetVersion[] }>(
      'GET',
      `/api/v1/lineage/dataset-versions?namespace=${encodeURIComponent('postgres://warehouse.internal:5432')}&name=analytics.staging.orders_clean`,
    );
    const clean = marts.body.datasetVersions[0]!;
    expect(clean.qualityChecks).toEqual([
      { name: 'not_null', passed: true, column: 'customer_id', value: null },
      { name: 'unique', passed: true, column: 'order_id', value: null },
      { name: 'accepted_range', passed: false, column: 'amount_eur', value: null },
    ]);
    expect(clean.facets.lifecycleStateChange).toMatchObject({ lifecycleStateChange: 'OVERWRITE' });

    // Spark's columnLineage facet becomes raw —derived_from→ clean, carrying the column mapping.
    const derived = await api.call<{
      nodes: { id: string; path: { type: string }[] }[];
      edges: { type: string; attributes: Record<string, unknown> }[];
    }>(
      'GET',
      `/api/v1/lineage/downstream?nodeId=${encodeURIComponent(rawVersion.nodeId)}&depth=1&edgeTypes=derived_from`,
    );
    expect(derived.body.nodes.map((n) => n.id)).toEqual([clean.nodeId]);
    expect(derived.body.edges[0]!.attributes.columnLineage).toEqual({
      order_id: ['order_id'],
      customer_id: ['customer_id'],
      amount_eur: ['amount'],
      order_date: ['ordered_at'],
    });
  });

  it('keeps a run finished when its START arrives after its COMPLETE', async () => {
    const spark = await api.call<{ openLineageRun: { runId: string } }>(
      'GET',
      `/api/v1/lineage/openlineage/runs/${SPARK_RUN}`,
    );
    const run = await api.call<{ run: Run }>('GET', `/api/v1/runs/${spark.body.openLineageRun.runId}`);
    expect(run.body.run.status).toBe('FINISHED');
    expect(run.body.run.startTime).toBe(Date.parse('2024-05-02T02:10:12.003Z'));
    expect(run.body.run.endTime).toBe(Date.parse('2024-05-02T02:19:55.402Z'));
  });

  it('records what it can from a COMPLETE for a run it never saw start, and links a parent run it knows', async () => {
    const parent = '0190e0a4-6f00-7000-8000-0000000000aa';
    const child = '0190e0a4-6f00-7000-8000-0000000000bb';
    const base = {
      producer: 'https://example.com/custom-producer',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    };
    const first = await api.call<{ runId: string; status: string }>('POST', '/api/v1/lineage', {
      ...base,
      eventType: 'COMPLETE',
      eventTime: '2024-06-01T10:00:00Z',
      run: { runId: parent },
      job: { namespace: 'late-arrivals', name: 'parent_job' },
    });
    expect(first.status).toBe(201);
    expect(first.body.status).toBe('FINISHED');
    const second = await api.call<{ runId: string }>('POST', '/api/v1/lineage', {
      ...base,
      eventType: 'FAIL',
      eventTime: '2024-06-01T09:59:00Z',
      run: {
        runId: child,
        facets: {
          parent: {
            _producer: base.producer,
            _schemaURL: base.schemaURL,
            run: { runId: parent },
            job: { namespace: 'late-arrivals', name: 'parent_job' },
          },
        },
      },
      job: { namespace: 'late-arrivals', name: 'child_job' },
      outputs: [{ namespace: 'file', name: '/data/late/out.csv' }],
    });
    const childRun = await api.call<{ run: Run }>('GET', `/api/v1/runs/${second.body.runId}`);
    expect(childRun.body.run).toMatchObject({
      status: 'FAILED',
      parentRunId: first.body.runId,
      endTime: Date.parse('2024-06-01T09:59:00Z'),
    });
    const versions = await api.call<{ datasetVersions: DatasetVersion[] }>(
      'GET',
      '/api/v1/lineage/dataset-versions?namespace=file&name=%2Fdata%2Flate%2Fout.csv',
    );
    expect(versions.body.datasetVersions[0]!.uri).toBe('file:///data/late/out.csv');
  });

  it('links an OpenLineage run to an existing Mnemo run named by its mlflow facet', async () => {
    const experiment = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: 'linked',
    });
    const created = await api.call<{ run: Run }>('POST', '/api/v1/runs', {
      experimentId: experiment.body.experiment.experimentId,
      runName: 'train',
    });
    const runId = created.body.run.runId;
    const ingest = await api.call<{ runId: string }>('POST', '/api/v1/lineage', {
      eventType: 'COMPLETE',
      eventTime: '2024-06-02T10:00:00Z',
      producer: 'https://github.com/acme/train',
      run: {
        runId: '0190e0a4-6f00-7000-8000-0000000000cc',
        facets: { mlflow: { _producer: 'x', _schemaURL: 'y', runId } },
      },
      job: { namespace: 'ml', name: 'train' },
      inputs: [{ namespace: 's3://lake', name: 'raw/orders' }],
    });
    expect(ingest.status).toBe(201);
    expect(ingest.body.runId).toBe(runId);
    // The linked run keeps its own lifecycle: OpenLineage does not finish a run it did not create.
    const run = await api.call<{ run: Run }>('GET', `/api/v1/runs/${runId}`);
    expect(run.body.run.status).toBe('RUNNING');
    const upstream = await api.call<{ nodes: { id: string; attributes: Record<string, unknown> }[] }>(
      'GET',
      `/api/v1/lineage/upstream?nodeId=run:${runId}&depth=1`,
    );
    expect(upstream.body.nodes.map((n) => n.attributes.name)).toEqual(['raw/orders']);

    const dangling = await api.call<{ message: string }>('POST', '/api/v1/lineage', {
      eventType: 'START',
      eventTime: '2024-06-02T10:00:00Z',
      producer: 'https://github.com/acme/train',
      run: { runId: '0190e0a4-6f00-7000-8000-0000000000cd', facets: { mnemo: { runId: 'f'.repeat(32) } } },
      job: { namespace: 'never-created', name: 'train' },
    });
    expect(dangling.status).toBe(404);
    expect(dangling.body.message).toContain('run.facets.mnemo.runId');
    expect((await api.call('GET', '/api/v1/experiments/by-name/never-created')).status).toBe(404);
  });

  it('refuses malformed events with 400 naming the field and stores nothing', async () => {
    const cases = (await loadEvents('malformed-events.json')) as unknown as {
      why: string;
      field: string;
      event: unknown;
    }[];
    const before = await api.server.store.db
      .selectFrom('lineage_openlineage_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    for (const { why, field, event } of cases) {
      const { status, body } = await api.call<{ error_code: string; message: string }>(
        'POST',
        '/api/v1/lineage',
        event,
      );
      expect(status, why).toBe(400);
      expect(body.error_code, why).toBe('INVALID_PARAMETER_VALUE');
      expect(body.message, why).toContain(field);
    }
    const after = await api.server.store.db
      .selectFrom('lineage_openlineage_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect((await api.call('GET', '/api/v1/experiments/by-name/bad')).status).toBe(404);
    const notJson = await api.call('POST', '/api/v1/lineage', '{"eventType": ');
    expect(notJson.status).toBe(400);
  });

  it('documents the lineage endpoints in the OpenAPI document', async () => {
    const { status, body } = await api.call<{ paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/api/v1/openapi.json',
    );
    expect(status).toBe(200);
    // Paths are relative to the document's server URL, /api/v1.
    expect(Object.keys(body.paths['/lineage'] ?? {}).sort()).toEqual(['get', 'post']);
    for (const path of ['/lineage/impact', '/lineage/path', '/lineage/dataset-versions']) {
      expect(body.paths[path], path).toBeDefined();
    }
  });

  it('writes an audit record for every accepted event', async () => {
    const rows = await api.server.store.db
      .selectFrom('audit_events')
      .select(['entity_id'])
      .where('action', '=', 'openlineage.event')
      .execute();
    expect(rows.filter((r) => r.entity_id === AIRFLOW_RUN)).toHaveLength(2);
    expect(rows.filter((r) => r.entity_id === SPARK_RUN)).toHaveLength(2);
  });
});
