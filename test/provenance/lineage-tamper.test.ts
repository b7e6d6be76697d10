import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import { codeRefId as codeRefIdOf } from '../../src/domain/lineage/code-ref.js';
import { canonicalJson } from '../../src/domain/provenance/canonical-json.js';
import type { VerificationProblem, VerificationReport } from '../../src/domain/provenance/verification-report.js';
import type { WriteScope } from '../../src/services/unit-of-work.js';
import { openStore } from '../../src/store/open-store.js';
import type { Database } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';
import { backends } from '../support/backends.js';
import { useProvenanceServer } from './support/provenance-server.js';
import { sha256 } from './support/sha256.js';

type Event = { seq: number; action: string; entityKind: string; entityId: string };
type Expected = { kind: VerificationProblem['kind']; seq: number | null; message: string | RegExp };

const OPENLINEAGE_FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'openlineage', 'airflow-extract-orders.json');
const AIRFLOW_RUN = '0190e0a4-6f1c-7a52-9c3e-1a2b3c4d5e01';
const TRAIN_DIGEST = 'a1b2c3d4e5f60718';
const HOLDOUT_DIGEST = 'f6e5d4c3b2a19080';
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** The whole message, exactly. */
const exactly = (text: string) => new RegExp(`^${literal(text)}$`);

describe.each(backends)('mnemo audit verify checks the lineage graph and governance on $name', (backend) => {
  const api = useProvenanceServer(backend);
  let db: Store;
  let events: Event[];
  let runId: string;
  let modelId: string;
  let train: string;
  let holdout: string;
  let featureVersion: string;
  let codeRefId: string;
  let environmentId: string;
  let prodTarget: string;
  let stagingTarget: string;
  let deploymentId: string;

  const ok = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await api.call(method, path, body);
    expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
    return response.body as T;
  };
  /** The latest event of an entity, with one of the given actions when any are named. */
  const seqOf = (entityId: string, ...actions: string[]) => {
    const found = events.filter((e) => e.entityId === entityId && (actions.length === 0 || actions.includes(e.action)));
    expect(found, `an event of ${entityId}`).not.toHaveLength(0);
    return found.at(-1)!.seq;
  };
  const firstSeqOf = (entityKind: string, entityId: string) =>
    events.find((e) => e.entityKind === entityKind && e.entityId === entityId)!.seq;
  const verify = async (): Promise<{ code: number; report: VerificationReport }> => {
    const result = await auditVerify({ backendStoreUri: api.backendUri, json: true });
    return { code: result.code, report: JSON.parse(result.stdout) as VerificationReport };
  };
  const refreshEvents = async () => {
    events = (await ok<{ events: Event[] }>('GET', '/api/v1/audit/events?maxResults=1000')).events.sort(
      (a, b) => a.seq - b.seq,
    );
  };

  /** Tampers, checks that verify reports exactly the expected problems, undoes it and checks all is clean again. */
  async function detect(tamper: () => Promise<() => Promise<void>>, expected: Expected[]) {
    const undo = await tamper();
    try {
      const { code, report } = await verify();
      expect(report.problems).toEqual(
        expected.map((e) => ({
          kind: e.kind,
          seq: e.seq,
          message: expect.stringMatching(typeof e.message === 'string' ? exactly(e.message) : e.message),
        })),
      );
      expect(code).toBe(1);
    } finally {
      await undo();
    }
    const clean = await verify();
    expect(clean.report.problems).toEqual([]);
    expect(clean.code).toBe(0);
  }

  const node = {
    dataset: (id: string) => `dataset_version:${id}`,
    run: () => `run:${runId}`,
    model: () => `model_version:${modelId}/1`,
    feature: () => `feature_version:${featureVersion}`,
  };
  const edges = () => db.db.selectFrom('lineage_edges');
  const edgeRow = (from: string, type: string, to: string) =>
    edges().selectAll().where('from_node', '=', from).where('edge_type', '=', type).where('to_node', '=', to);

  beforeAll(async () => {
    const experiment = await ok<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: 'lineage',
    });
    runId = (
      await ok<{ run: { runId: string } }>('POST', '/api/v1/runs', { experimentId: experiment.experiment.experimentId })
    ).run.runId;

    await ok('POST', '/api/v1/lineage/datasets', {
      namespace: 's3://lake',
      name: 'transactions',
      description: 'card payments',
    });
    const version = async (key: string, digest: string) =>
      (
        await ok<{ datasetVersion: { versionId: string } }>('POST', '/api/v1/lineage/dataset-versions', {
          namespace: 's3://lake',
          name: 'transactions',
          version: key,
          uri: `s3://lake/transactions/${key}`,
          digest,
          columns: [{ name: 'amount', type: 'double' }],
          rowCount: 1200,
          qualityChecks: [{ name: 'no_null_amount', passed: true, column: 'amount' }],
        })
      ).datasetVersion.versionId;
    train = await version('2024-05', TRAIN_DIGEST);
    holdout = await version('2024-06', HOLDOUT_DIGEST);
    // The run logs the training data as an MLflow input with the registered digest: dataset version —consumed→ run.
    await ok('POST', `/api/v1/runs/${runId}/inputs`, {
      datasets: [
        {
          name: 'transactions',
          digest: TRAIN_DIGEST,
          sourceType: 's3',
          source: '{"uri": "s3://lake/transactions/2024-05"}',
          tags: { 'mlflow.data.context': 'training' },
        },
      ],
    });

    codeRefId = (
      await ok<{ id: string }>('POST', '/api/v1/lineage/code-refs', {
        repository: 'https://github.com/acme/fraud',
        commit: COMMIT,
      })
    ).id;
    environmentId = (
      await ok<{ id: string }>('POST', '/api/v1/lineage/environments', {
        os: 'linux',
        runtime: 'python 3.11',
        packages: { numpy: '1.26.4', xgboost: '2.0.3' },
        hardware: { gpus: 1 },
      })
    ).id;
    featureVersion = (
      await ok<{ featureVersion: { featureVersionId: string } }>('POST', '/api/v1/lineage/features', {
        name: 'spend_7d',
        version: '1',
        pipeline: 'spark',
        transformation: 'sum(amount) over 7 days',
        codeRefId,
        inputDatasetVersionIds: [train],
      })
    ).featureVersion.featureVersionId;

    await api.upload(runId, 'model/model.bin', 'weights');
    await ok('POST', '/api/v1/registered-models', { name: 'fraud' });
    await ok('POST', '/api/v1/registered-models/fraud/versions', { source: `runs:/${runId}/model`, runId });
    await ok('POST', '/api/v1/lineage/model-versions', {
      modelId: 'fraud',
      version: 1,
      featureVersionIds: [featureVersion],
      environmentId,
      codeRefId,
    });
    const target = async (name: string) =>
      (
        await ok<{ deploymentTarget: { targetId: string } }>('POST', '/api/v1/lineage/deployment-targets', {
          name,
          environmentId,
        })
      ).deploymentTarget.targetId;
    prodTarget = await target('prod-eu');
    stagingTarget = await target('staging-eu');
    deploymentId = (
      await ok<{ deployment: { deploymentId: string } }>('POST', '/api/v1/lineage/deployments', {
        modelId: 'fraud',
        version: 1,
        targetId: prodTarget,
        status: 'PENDING',
      })
    ).deployment.deploymentId;
    await ok('PATCH', `/api/v1/lineage/deployments/${deploymentId}`, { status: 'ACTIVE' });

    // An Airflow task reported over OpenLineage: a run with an input, an output and the code it ran.
    for (const event of JSON.parse(await readFile(OPENLINEAGE_FIXTURE, 'utf8')) as unknown[]) {
      await ok('POST', '/api/v1/lineage', event);
    }

    await ok('POST', '/api/v1/schemas/model/versions', {
      schema: { type: 'object', properties: { owner: { type: 'string' } } },
    });
    await ok('POST', '/api/v1/schemas/model/versions', {
      schema: { type: 'object', properties: { owner: { type: 'string' }, team: { type: 'string' } } },
      compatibility: 'NONE',
    });
    await ok('PUT', '/api/v1/schemas/dataset/config', { compatibility: 'FORWARD' });
    await ok('PUT', '/api/v1/vocabularies/risk_tier', {
      description: 'how much harm a wrong answer does',
      terms: [
        { value: 'low', description: null },
        { value: 'high', description: 'needs sign-off' },
      ],
    });
    await ok('PUT', '/api/v1/vocabularies/scratch', { terms: [{ value: 'x', description: null }] });
    await ok('DELETE', '/api/v1/vocabularies/scratch');
    await ok('PUT', '/api/v1/naming-rules/model', { pattern: '^[a-z][a-z0-9-]*$', description: 'kebab case' });
    await ok('PUT', '/api/v1/naming-rules/dataset', { pattern: '.*' });
    await ok('PUT', '/api/v1/naming-rules/dataset', { pattern: '^[a-z_/]+$' });

    await ok('POST', '/api/v1/audit/checkpoints');
    await refreshEvents();
    db = await openStore(api.backendUri);
    modelId = (
      await db.db
        .selectFrom('registered_models')
        .select('model_id')
        .where('name', '=', 'fraud')
        .executeTakeFirstOrThrow()
    ).model_id;
  });
  afterAll(async () => db?.close());

  const count = async (table: keyof Database) =>
    Number(
      (
        await db.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('passes an untouched graph and counts every lineage and governance row it checked', async () => {
    const { code, report } = await verify();
    expect(report.problems).toEqual([]);
    expect(code).toBe(0);
    const lineageTables = [
      'lineage_datasets',
      'lineage_dataset_versions',
      'lineage_features',
      'lineage_feature_versions',
      'lineage_environments',
      'lineage_code_refs',
      'lineage_deployment_targets',
      'lineage_deployments',
      'lineage_openlineage_runs',
      'lineage_edges',
    ] as const;
    let lineageRows = 0;
    for (const table of lineageTables) lineageRows += await count(table);
    // The fixture built all of these: two code refs (one from OpenLineage) and at least a dozen edges.
    expect(await count('lineage_code_refs')).toBe(2);
    expect(await count('lineage_edges')).toBeGreaterThanOrEqual(12);
    expect(report.lineage).toBe(lineageRows);
    const governanceRows =
      (await count('metadata_subjects')) +
      (await count('metadata_schemas')) +
      (await count('tag_vocabularies')) +
      (await count('naming_rules'));
    expect(governanceRows).toBe(2 + 2 + 1 + 2);
    expect(report.governance).toBe(governanceRows);

    const text = await auditVerify({ backendStoreUri: api.backendUri });
    expect(text.stdout).toContain(
      `${report.lineage} lineage records (datasets, features, environments, code refs, deployments, OpenLineage runs, edges) and ${report.governance} governance records (metadata schemas, vocabularies, naming rules) checked`,
    );
  });

  it('finds the edge "this run consumed the training data" re-pointed at other data', async () => {
    const original = `${node.dataset(train)} consumed ${node.run()}`;
    const created = seqOf(original, 'lineage.edge.create');
    await detect(async () => {
      await db.db
        .updateTable('lineage_edges')
        .set({ from_node: node.dataset(holdout) })
        .where('from_node', '=', node.dataset(train))
        .where('edge_type', '=', 'consumed')
        .where('to_node', '=', node.run())
        .execute();
      return async () => {
        await db.db
          .updateTable('lineage_edges')
          .set({ from_node: node.dataset(train) })
          .where('from_node', '=', node.dataset(holdout))
          .where('edge_type', '=', 'consumed')
          .where('to_node', '=', node.run())
          .execute();
      };
    }, [
      {
        kind: 'entity-missing',
        seq: created,
        message: `lineage edge ${original}, created by event ${created}, was deleted from the database`,
      },
      {
        kind: 'entity-unrecorded',
        seq: null,
        message: `lineage edge '${node.dataset(holdout)} consumed ${node.run()}' has no audit record: it was inserted directly`,
      },
    ]);
  });

  it('finds an edge deleted, an edge inserted and an edge edited in place', async () => {
    const produced = `${node.run()} produced ${node.model()}`;
    const producedSeq = seqOf(produced, 'lineage.edge.create');
    const row = await edgeRow(node.run(), 'produced', node.model()).executeTakeFirstOrThrow();
    await detect(async () => {
      await db.db
        .deleteFrom('lineage_edges')
        .where('from_node', '=', node.run())
        .where('edge_type', '=', 'produced')
        .where('to_node', '=', node.model())
        .execute();
      return async () => {
        await db.db.insertInto('lineage_edges').values(row).execute();
      };
    }, [
      {
        kind: 'entity-missing',
        seq: producedSeq,
        message: `lineage edge ${produced}, created by event ${producedSeq}, was deleted from the database`,
      },
    ]);

    const forged = { ...row, from_node: node.dataset(holdout), edge_type: 'derived_from', to_node: node.feature() };
    await detect(async () => {
      await db.db.insertInto('lineage_edges').values(forged).execute();
      return async () => {
        await db.db
          .deleteFrom('lineage_edges')
          .where('from_node', '=', forged.from_node)
          .where('edge_type', '=', 'derived_from')
          .where('to_node', '=', forged.to_node)
          .execute();
      };
    }, [
      {
        kind: 'entity-unrecorded',
        seq: null,
        message: `lineage edge '${node.dataset(holdout)} derived_from ${node.feature()}' has no audit record: it was inserted directly`,
      },
    ]);

    const consumed = `${node.dataset(train)} consumed ${node.run()}`;
    const consumedSeq = seqOf(consumed, 'lineage.edge.create');
    const edit = () => db.db.updateTable('lineage_edges').where('from_node', '=', node.dataset(train));
    await detect(async () => {
      await edit()
        .where('to_node', '=', node.run())
        .set({ attributes: '{"context":"evaluation"}', run_id: null })
        .execute();
      return async () => {
        await edit()
          .where('to_node', '=', node.run())
          .set({ attributes: '{"context":"training"}', run_id: runId })
          .execute();
      };
    }, [
      {
        kind: 'entity-changed',
        seq: consumedSeq,
        message:
          `lineage edge '${consumed}' was changed after event ${consumedSeq}: ` +
          `attributes is {"context":"evaluation"} but the log recorded {"context":"training"}; ` +
          `runId is null but the log recorded "${runId}"`,
      },
    ]);
  });

  it('finds a node an audited edge links deleted from the graph', async () => {
    const consumed = `${node.dataset(train)} consumed ${node.run()}`;
    const seq = seqOf(consumed, 'lineage.edge.create');
    const row = await db.db
      .selectFrom('lineage_nodes')
      .selectAll()
      .where('node_id', '=', node.dataset(train))
      .executeTakeFirstOrThrow();
    await detect(async () => {
      await db.db.deleteFrom('lineage_nodes').where('node_id', '=', row.node_id).execute();
      return async () => {
        await db.db.insertInto('lineage_nodes').values(row).execute();
      };
    }, [
      {
        kind: 'entity-missing',
        seq,
        message: `lineage node ${node.dataset(train)}, linked by edge '${consumed}' (event ${seq}), was deleted from the database`,
      },
    ]);
  });

  it("finds a dataset version's digest, a dataset's name and a feature version's pipeline changed", async () => {
    const registered = seqOf(train, 'lineage.dataset_version.create');
    const version = () => db.db.updateTable('lineage_dataset_versions').where('version_id', '=', train);
    await detect(async () => {
      await version().set({ digest: HOLDOUT_DIGEST }).execute();
      return async () => {
        await version().set({ digest: TRAIN_DIGEST }).execute();
      };
    }, [
      {
        kind: 'entity-changed',
        seq: registered,
        message: `dataset version 's3://lake/transactions@2024-05' (${train}) was changed after event ${registered}: digest is "${HOLDOUT_DIGEST}" but the log recorded "${TRAIN_DIGEST}"`,
      },
    ]);

    const dataset = await db.db
      .selectFrom('lineage_datasets')
      .selectAll()
      .where('name', '=', 'transactions')
      .executeTakeFirstOrThrow();
    const datasetSeq = seqOf(dataset.dataset_id, 'lineage.dataset.create');
    const rename = (name: string) =>
      db.db.updateTable('lineage_datasets').set({ name }).where('dataset_id', '=', dataset.dataset_id).execute();
    await detect(async () => {
      await rename('payments');
      return async () => {
        await rename('transactions');
      };
    }, [
      {
        kind: 'entity-changed',
        seq: datasetSeq,
        // Its versions are not reported again: their dataset's name is checked once, with the dataset.
        message: `dataset 's3://lake/payments' (${dataset.dataset_id}) was changed after event ${datasetSeq}: name is "payments" but the log recorded "transactions"`,
      },
    ]);

    const featureNode = node.feature();
    const featureSeq = seqOf(featureNode, 'lineage.feature_version.create');
    const pipeline = (value: string) =>
      db.db
        .updateTable('lineage_feature_versions')
        .set({ pipeline: value })
        .where('feature_version_id', '=', featureVersion)
        .execute();
    await detect(async () => {
      await pipeline('pandas');
      return async () => {
        await pipeline('spark');
      };
    }, [
      {
        kind: 'entity-changed',
        seq: featureSeq,
        message: `feature version 'spend_7d@1' (${featureVersion}) was changed after event ${featureSeq}: pipeline is "pandas" but the log recorded "spark"`,
      },
    ]);
  });

  it("finds a deployment moved to another target and an environment's packages edited", async () => {
    const updated = seqOf(deploymentId, 'lineage.deployment.update');
    const retarget = (targetId: string) =>
      db.db
        .updateTable('lineage_deployments')
        .set({ target_id: targetId })
        .where('deployment_id', '=', deploymentId)
        .execute();
    await detect(async () => {
      await retarget(stagingTarget);
      return async () => {
        await retarget(prodTarget);
      };
    }, [
      {
        kind: 'entity-changed',
        seq: updated,
        message: `deployment ${deploymentId} of ${node.model()} was changed after event ${updated}: targetId is "${stagingTarget}" but the log recorded "${prodTarget}"`,
      },
    ]);

    const environment = await db.db
      .selectFrom('lineage_environments')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .executeTakeFirstOrThrow();
    const edited = JSON.parse(environment.document) as { packages: Record<string, string> };
    edited.packages.xgboost = '1.0.0';
    const document = (text: string) =>
      db.db
        .updateTable('lineage_environments')
        .set({ document: text })
        .where('environment_id', '=', environmentId)
        .execute();
    const environmentSeq = seqOf(environmentId, 'lineage.environment.create');
    await detect(async () => {
      await document(canonicalJson(edited));
      return async () => {
        await document(environment.document);
      };
    }, [
      {
        kind: 'entity-changed',
        seq: environmentSeq,
        message: `environment ${environmentId} was changed after event ${environmentSeq}: packages is {"numpy":"1.26.4","xgboost":"1.0.0"} but the log recorded {"numpy":"1.26.4","xgboost":"2.0.3"}`,
      },
    ]);
  });

  it('finds a code ref inserted directly, even one whose id is the digest of its content', async () => {
    // Content-addressed but with no audited edge from it: not one an older server stored for an OpenLineage job.
    const forged = {
      code_ref_id: codeRefIdOf({ repository: 'https://github.com/acme/evil', commit: 'abcdef1', dirtyDigest: null }),
      repository: 'https://github.com/acme/evil',
      commit_sha: 'abcdef1',
      dirty_digest: null,
      created_time: 1,
    };
    await detect(async () => {
      await db.db.insertInto('lineage_code_refs').values(forged).execute();
      return async () => {
        await db.db.deleteFrom('lineage_code_refs').where('code_ref_id', '=', forged.code_ref_id).execute();
      };
    }, [
      {
        kind: 'entity-unrecorded',
        seq: null,
        message: `code ref https://github.com/acme/evil@abcdef1 (${forged.code_ref_id}) has no audit record: it was inserted directly`,
      },
    ]);
  });

  it('finds OpenLineage events edited, deleted or added, and the run they describe edited', async () => {
    const stored = await db.db
      .selectFrom('lineage_openlineage_events')
      .selectAll()
      .where('ol_run_id', '=', AIRFLOW_RUN)
      .orderBy('event_time')
      .execute();
    expect(stored).toHaveLength(2);
    const olEvents = events.filter((e) => e.entityId === AIRFLOW_RUN && e.action === 'openlineage.event');
    // Events are accepted in file order (START, then COMPLETE): the first audit event accepted the first stored one.
    const start = stored.find((s) => s.event_type === 'START')!;
    const startSeq = olEvents[0]!.seq;
    const label = `OpenLineage event ${start.event_id} of run ${AIRFLOW_RUN}`;
    const payload = (text: string) =>
      db.db
        .updateTable('lineage_openlineage_events')
        .set({ payload: text })
        .where('event_id', '=', start.event_id)
        .execute();
    const forgedPayload = start.payload.replace('orders_daily', 'orders_weekly');
    expect(forgedPayload).not.toBe(start.payload);
    await detect(async () => {
      await payload(forgedPayload);
      return async () => {
        await payload(start.payload);
      };
    }, [
      {
        kind: 'entity-changed',
        seq: startSeq,
        message: `${label} was changed after event ${startSeq}: payloadDigest is "${sha256(forgedPayload)}" but the log recorded "${sha256(start.payload)}"`,
      },
    ]);

    await detect(async () => {
      await db.db.deleteFrom('lineage_openlineage_events').where('event_id', '=', start.event_id).execute();
      return async () => {
        await db.db.insertInto('lineage_openlineage_events').values(start).execute();
      };
    }, [
      {
        kind: 'entity-missing',
        seq: startSeq,
        message: `${label}, recorded by event ${startSeq}, was deleted from the database`,
      },
    ]);

    const extra = { ...start, event_id: 'e'.repeat(32), event_type: 'FAIL' };
    await detect(async () => {
      await db.db.insertInto('lineage_openlineage_events').values(extra).execute();
      return async () => {
        await db.db.deleteFrom('lineage_openlineage_events').where('event_id', '=', extra.event_id).execute();
      };
    }, [
      {
        kind: 'entity-unrecorded',
        seq: null,
        message: `OpenLineage event ${extra.event_id} of run ${AIRFLOW_RUN} has no audit record: it was inserted directly`,
      },
    ]);

    const run = await db.db
      .selectFrom('lineage_openlineage_runs')
      .selectAll()
      .where('ol_run_id', '=', AIRFLOW_RUN)
      .executeTakeFirstOrThrow();
    const latest = olEvents.at(-1)!.seq;
    const status = (value: string) =>
      db.db
        .updateTable('lineage_openlineage_runs')
        .set({ status: value })
        .where('ol_run_id', '=', AIRFLOW_RUN)
        .execute();
    await detect(async () => {
      await status('FAILED');
      return async () => {
        await status(run.status);
      };
    }, [
      {
        kind: 'entity-changed',
        seq: latest,
        message: `OpenLineage run ${AIRFLOW_RUN} (job airflow-prod/orders_daily.extract_orders) was changed after event ${latest}: status is "FAILED" but the log recorded "${run.status}"`,
      },
    ]);
  });

  it('finds a schema body edited and a subject whose compatibility mode was changed', async () => {
    const v2 = await db.db
      .selectFrom('metadata_schemas')
      .selectAll()
      .where('subject', '=', 'model')
      .where('version', '=', 2)
      .executeTakeFirstOrThrow();
    const registered = seqOf('model/2', 'metadata_schema.register');
    const loosened = canonicalJson({ type: 'object', properties: { owner: { type: 'number' } } });
    const schema = (text: string) =>
      db.db
        .updateTable('metadata_schemas')
        .set({ schema: text })
        .where('subject', '=', 'model')
        .where('version', '=', 2)
        .execute();
    await detect(async () => {
      await schema(loosened);
      return async () => {
        await schema(v2.schema);
      };
    }, [
      {
        kind: 'entity-changed',
        seq: registered,
        message: `metadata schema 'model' v2 was changed after event ${registered}: schema is ${loosened} but the log recorded ${v2.schema}`,
      },
    ]);

    const subjectSeq = seqOf('model', 'metadata_subject.update');
    expect(subjectSeq).toBeGreaterThan(registered);
    const mode = (value: string) =>
      db.db.updateTable('metadata_subjects').set({ compatibility: value }).where('subject', '=', 'model').execute();
    await detect(async () => {
      await mode('FULL');
      return async () => {
        await mode('NONE');
      };
    }, [
      {
        kind: 'entity-changed',
        seq: subjectSeq,
        message: `metadata subject 'model' was changed after event ${subjectSeq}: compatibility is "FULL" but the log recorded "NONE"`,
      },
    ]);
  });

  it('finds a vocabulary term deleted, a deleted vocabulary put back and a naming rule deleted', async () => {
    const vocabulary = await db.db
      .selectFrom('tag_vocabularies')
      .selectAll()
      .where('tag_key', '=', 'risk_tier')
      .executeTakeFirstOrThrow();
    const put = seqOf('risk_tier', 'vocabulary.put');
    const terms = (text: string) =>
      db.db.updateTable('tag_vocabularies').set({ allowed_values: text }).where('tag_key', '=', 'risk_tier').execute();
    await detect(async () => {
      await terms('[{"description":null,"value":"low"}]');
      return async () => {
        await terms(vocabulary.allowed_values);
      };
    }, [
      {
        kind: 'entity-changed',
        seq: put,
        message: `vocabulary of tag 'risk_tier' was changed after event ${put}: terms is [{"description":null,"value":"low"}] but the log recorded ${vocabulary.allowed_values}`,
      },
    ]);

    const deleted = seqOf('scratch', 'vocabulary.delete');
    await detect(async () => {
      await db.db
        .insertInto('tag_vocabularies')
        .values({ ...vocabulary, tag_key: 'scratch' })
        .execute();
      return async () => {
        await db.db.deleteFrom('tag_vocabularies').where('tag_key', '=', 'scratch').execute();
      };
    }, [
      {
        kind: 'entity-changed',
        seq: deleted,
        message: `vocabulary of tag 'scratch' was deleted by event ${deleted} but its row is in the database`,
      },
    ]);

    const rule = await db.db
      .selectFrom('naming_rules')
      .selectAll()
      .where('entity_kind', '=', 'dataset')
      .executeTakeFirstOrThrow();
    const created = firstSeqOf('naming_rule', 'dataset');
    await detect(async () => {
      await db.db.deleteFrom('naming_rules').where('entity_kind', '=', 'dataset').execute();
      return async () => {
        await db.db.insertInto('naming_rules').values(rule).execute();
      };
    }, [
      {
        kind: 'entity-missing',
        seq: created,
        message: `naming rule for dataset, created by event ${created}, was deleted from the database`,
      },
    ]);
  });

  it('raises no false alarm on what older servers recorded, and still compares what they did record', async () => {
    // Writes as servers before these checks made them: through the real audit log, with the states they recorded.
    const old = (change: (scope: WriteScope) => Promise<void>) => api.server.services.unitOfWork.write(change);
    /** A state older servers recorded that today's catalog no longer allows a writer to record. */
    const retired = <State>(state: State) => state as never;
    const now = Date.now();
    await old(async ({ db: tx, audit }) => {
      // An OpenLineage job's code ref, stored without an event of its own next to the audited edge from it.
      const code = { repository: 'https://github.com/acme/jobs', commit: 'abcdef0123456' };
      const id = codeRefIdOf({ ...code, dirtyDigest: null });
      await tx
        .insertInto('lineage_code_refs')
        .values({
          code_ref_id: id,
          repository: code.repository,
          commit_sha: code.commit,
          dirty_digest: null,
          created_time: now,
        })
        .execute();
      await tx
        .insertInto('lineage_nodes')
        .values({ node_id: `code_ref:${id}`, kind: 'code_ref', label: 'jobs', attributes: '{}', created_time: now })
        .execute();
      const edge = {
        from: `code_ref:${id}`,
        to: node.run(),
        type: 'depends_on' as const,
        runId,
        eventId: 'openlineage:old',
        createdTime: now,
        attributes: {},
      };
      await tx
        .insertInto('lineage_edges')
        .values({
          from_node: edge.from,
          to_node: edge.to,
          edge_type: edge.type,
          run_id: runId,
          event_id: edge.eventId,
          created_time: now,
          attributes: '{}',
        })
        .execute();
      audit({
        action: 'lineage.edge.create',
        entityKind: 'lineage_edge',
        entityId: `${edge.from} depends_on ${edge.to}`,
        state: edge,
      });
      // The experiment of an OpenLineage job namespace, recorded as its bare row.
      const experiment = {
        experiment_id: '1000000000000042',
        name: 'airflow-legacy',
        artifact_location: 'mlflow-artifacts:/1000000000000042',
        lifecycle_stage: 'active' as const,
        creation_time: now,
        last_update_time: now,
      };
      await tx.insertInto('experiments').values(experiment).execute();
      audit({
        action: 'experiment.create',
        entityKind: 'experiment',
        entityId: experiment.experiment_id,
        state: retired(experiment),
      });
      // A vocabulary recorded without its times, and a schema registered without recording its subject.
      await tx
        .insertInto('tag_vocabularies')
        .values({
          tag_key: 'legacy',
          description: null,
          allowed_values: '[{"description":null,"value":"a"}]',
          creation_time: now,
          last_updated_time: now,
        })
        .execute();
      audit({
        action: 'vocabulary.put',
        entityKind: 'vocabulary',
        entityId: 'legacy',
        state: retired({ tagKey: 'legacy', description: null, terms: [{ value: 'a', description: null }] }),
      });
      await tx
        .insertInto('metadata_subjects')
        .values({
          subject: 'run',
          compatibility: 'BACKWARD',
          last_version: 1,
          creation_time: now,
          last_updated_time: now,
        })
        .execute();
      const schema = { type: 'object' };
      await tx
        .insertInto('metadata_schemas')
        .values({
          subject: 'run',
          version: 1,
          schema: canonicalJson(schema),
          schema_digest: sha256(canonicalJson(schema)),
          creation_time: now,
        })
        .execute();
      audit({
        action: 'metadata_schema.register',
        entityKind: 'metadata_schema',
        entityId: 'run/1',
        state: { subject: 'run', version: 1, schema, schemaDigest: sha256(canonicalJson(schema)), creationTime: now },
      });
    });
    await refreshEvents();
    const clean = await verify();
    expect(clean.report.problems).toEqual([]);
    expect(clean.code).toBe(0);

    const legacyExperiment = seqOf('1000000000000042', 'experiment.create');
    const experimentName = (name: string) =>
      db.db.updateTable('experiments').set({ name }).where('experiment_id', '=', '1000000000000042').execute();
    await detect(async () => {
      await experimentName('airflow-forged');
      return async () => {
        await experimentName('airflow-legacy');
      };
    }, [
      {
        kind: 'entity-changed',
        seq: legacyExperiment,
        message: `experiment 1000000000000042 was changed after event ${legacyExperiment}: name is "airflow-forged" but the log recorded "airflow-legacy"`,
      },
    ]);

    const legacyPut = seqOf('legacy', 'vocabulary.put');
    const terms = (text: string) =>
      db.db.updateTable('tag_vocabularies').set({ allowed_values: text }).where('tag_key', '=', 'legacy').execute();
    await detect(async () => {
      await terms('[{"description":null,"value":"b"}]');
      return async () => {
        await terms('[{"description":null,"value":"a"}]');
      };
    }, [
      {
        kind: 'entity-changed',
        seq: legacyPut,
        message: `vocabulary of tag 'legacy' was changed after event ${legacyPut}: terms is [{"description":null,"value":"b"}] but the log recorded [{"description":null,"value":"a"}]`,
      },
    ]);

    const registered = seqOf('run/1', 'metadata_schema.register');
    const counter = (value: number) =>
      db.db.updateTable('metadata_subjects').set({ last_version: value }).where('subject', '=', 'run').execute();
    await detect(async () => {
      await counter(0);
      return async () => {
        await counter(1);
      };
    }, [
      {
        kind: 'entity-changed',
        seq: registered,
        message: `metadata subject 'run' was changed after event ${registered}: latestVersion is 0 but the log recorded 1`,
      },
    ]);
  });
});
