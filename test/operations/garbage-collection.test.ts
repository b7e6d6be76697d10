import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import { garbageCollect } from '../../src/cli/gc-command.js';
import { LineageClient } from '../../src/sdk/lineage.js';
import type { CollectionReport } from '../../src/services/operations/garbage-collector.js';
import { GarbageCollector } from '../../src/services/operations/garbage-collector.js';
import { AuditLog } from '../../src/services/provenance/audit-log.js';
import { verifyAuditTrail } from '../../src/services/provenance/verify/audit-verifier.js';
import { runWithContext } from '../../src/services/request-context.js';
import { SearchIndexer } from '../../src/services/search/search-indexer.js';
import { UnitOfWork } from '../../src/services/unit-of-work.js';
import { openArtifactStore } from '../../src/store/artifacts/open-artifact-store.js';
import { openExistingStore } from '../../src/store/open-existing-store.js';
import type { Store } from '../../src/store/store.js';
import { mlflowCalls } from '../mlflow/support/mlflow-calls.js';
import { backends } from '../support/backends.js';
import { CLI_TIMEOUT, runMnemo } from '../support/mnemo-cli.js';
import { useTestServer } from '../support/test-server.js';

const HOLD = 'mnemo.legal_hold';
const DAY = 86_400_000;

/** Tables whose row counts a dry run must leave as they are. */
const COUNTED = [
  'experiments',
  'experiment_tags',
  'runs',
  'run_params',
  'run_tags',
  'metric_chunks',
  'latest_metrics',
  'artifacts',
  'model_versions',
  'model_version_tags',
  'search_documents',
  'audit_events',
] as const;

describe.each(backends)('mnemo gc on $name, while the server runs on the same database', (backend) => {
  const api = useTestServer(backend);
  const mlflow = mlflowCalls(api);
  let store: Store;
  const ids = {} as Record<
    'active' | 'old' | 'referenced' | 'held' | 'inDeletedExperiment' | 'inHeldExperiment' | 'recent',
    string
  > &
    Record<'experiment' | 'deletedExperiment' | 'heldExperiment', string>;
  const comments = { purged: [] as string[], kept: '' };
  const milestones = { purged: '', kept: '' };
  let revalidationFlag = '';

  async function experiment(name: string): Promise<string> {
    const reply = await mlflow.post<{ experiment_id: string }>('experiments/create', { name });
    expect(reply.status).toBe(200);
    return reply.body.experiment_id;
  }

  /** A run with a param, a metric and an artifact file, as a training script leaves one. */
  async function run(experimentId: string): Promise<string> {
    const reply = await mlflow.post<{ run: { info: { run_id: string } } }>('runs/create', {
      experiment_id: experimentId,
      start_time: Date.now(),
    });
    expect(reply.status).toBe(200);
    const runId = reply.body.run.info.run_id;
    const batch = await mlflow.post('runs/log-batch', {
      run_id: runId,
      params: [{ key: 'lr', value: '0.1' }],
      metrics: [{ key: 'loss', value: 0.5, timestamp: Date.now(), step: 0 }],
    });
    expect(batch.status).toBe(200);
    const upload = await fetch(
      `${api.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/model/MLmodel`,
      { method: 'PUT', body: 'flavors: {}' },
    );
    expect(upload.status).toBe(200);
    return runId;
  }

  const runFolder = (experimentId: string, runId: string) => join(api.artifactsDir, experimentId, runId);
  const deleteRun = async (runId: string) =>
    expect((await mlflow.post('runs/delete', { run_id: runId })).status).toBe(200);

  async function counts(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const table of COUNTED) {
      const row = await store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      result[table] = Number(row.n);
    }
    return result;
  }

  const rowOf = (runId: string) =>
    store.db.selectFrom('runs').select('run_id').where('run_id', '=', runId).executeTakeFirst();
  const gcCli = (...args: string[]) =>
    runMnemo(
      ['gc', '--backend-store-uri', api.backendUri, '--artifacts-destination', api.artifactsDir, ...args],
      process.cwd(),
    );

  function collectInProcess(options: { now: number; retentionMs: number; dryRun?: boolean }) {
    const collector = new GarbageCollector({
      store,
      unitOfWork: new UnitOfWork(store, new AuditLog(store.dialect), new SearchIndexer()),
      artifacts: openArtifactStore(api.artifactsDir),
      now: () => options.now,
    });
    return runWithContext({ actor: 'test-gc', requestId: `gc-${options.now}` }, () =>
      collector.collect({ retentionMs: options.retentionMs, dryRun: options.dryRun ?? false, scope: {} }),
    );
  }

  const cliOptions = () => ({
    backendStoreUri: api.backendUri,
    artifactsDestination: api.artifactsDir,
    olderThan: '0',
  });
  const outcomeOf = (report: CollectionReport, id: string) => report.items.find((item) => item.id === id);

  beforeAll(async () => {
    store = await openExistingStore(api.backendUri, { readOnly: false });
    ids.experiment = await experiment('gc/live');
    ids.deletedExperiment = await experiment('gc/deleted');
    ids.heldExperiment = await experiment('gc/held');
    for (const name of ['active', 'old', 'referenced', 'held', 'recent'] as const)
      ids[name] = await run(ids.experiment);
    ids.inDeletedExperiment = await run(ids.deletedExperiment);
    ids.inHeldExperiment = await run(ids.heldExperiment);

    // A live model version made from `referenced`, and a deleted one made from `active`.
    expect((await mlflow.post('registered-models/create', { name: 'gc-model' })).status).toBe(200);
    for (const runId of [ids.referenced, ids.active]) {
      const created = await mlflow.post('model-versions/create', {
        name: 'gc-model',
        source: `runs:/${runId}/model`,
        run_id: runId,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
    }
    // Comments on a run and a version that will be purged, and on a run that will be kept.
    const comment = async (path: string, body: string) => {
      const reply = await fetch(`${api.url}/api/v1${path}/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ body }),
      });
      expect(reply.status, await reply.clone().text()).toBeLessThan(300);
      return ((await reply.json()) as { comment: { id: string } }).comment.id;
    };
    comments.purged = [
      await comment(`/runs/${ids.old}`, 'loss plateaued'),
      await comment('/registered-models/gc-model/versions/2', 'superseded'),
    ];
    comments.kept = await comment(`/runs/${ids.referenced}`, 'the one in production');
    // Both versions declare what they need; version 2, deployed on a target whose environment then moves a
    // package it declares, is flagged for revalidation. Its declarations and flag go with it; version 1's stay.
    const call = async (method: string, path: string, body: unknown) => {
      const reply = await fetch(`${api.url}/api/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(reply.status, `${method} ${path}: ${await reply.clone().text()}`).toBeLessThan(300);
      return reply.json() as Promise<Record<string, never>>;
    };
    for (const version of [1, 2]) {
      await call('PUT', `/registered-models/gc-model/versions/${version}/dependencies`, {
        dependencies: [{ kind: 'pypi', name: 'numpy', specifier: '<2' }],
      });
    }
    const lineage = new LineageClient(api.url);
    const target = await lineage.registerDeploymentTarget({ name: 'gc-target' });
    await lineage.recordDeployment({ modelId: 'gc-model', version: 2, targetId: target.deploymentTarget.targetId });
    for (const numpy of ['1.26.4', '2.1.0']) {
      await call('PUT', '/deployment-targets/gc-target/environment', {
        file: 'requirements.txt',
        content: `numpy==${numpy}\n`,
      });
    }
    const flagged = await store.db
      .selectFrom('model_version_revalidations as f')
      .innerJoin('registered_models as m', 'm.model_id', 'f.model_id')
      .select(['f.flag_id', 'f.version'])
      .where('m.name', '=', 'gc-model')
      .execute();
    expect(flagged.map((flag) => Number(flag.version))).toEqual([2]);
    revalidationFlag = flagged[0]!.flag_id;
    expect((await mlflow.delete('model-versions/delete', { name: 'gc-model', version: '2' })).status).toBe(200);
    // A model on legal hold keeps its deleted versions.
    expect((await mlflow.post('registered-models/create', { name: 'gc-held-model' })).status).toBe(200);
    const heldModel = await mlflow.post('registered-models/set-tag', {
      name: 'gc-held-model',
      key: HOLD,
      value: 'audit',
    });
    expect(heldModel.status).toBe(200);
    const heldVersion = await mlflow.post('model-versions/create', {
      name: 'gc-held-model',
      source: `runs:/${ids.active}/model`,
      run_id: ids.active,
    });
    expect(heldVersion.status).toBe(200);
    expect((await mlflow.delete('model-versions/delete', { name: 'gc-held-model', version: '1' })).status).toBe(200);

    const hold = await mlflow.post('runs/set-tag', { run_id: ids.held, key: HOLD, value: 'case 2026-17' });
    expect(hold.status).toBe(200);
    const heldExperiment = await mlflow.post('experiments/set-experiment-tag', {
      experiment_id: ids.heldExperiment,
      key: HOLD,
      value: 'case 2026-18',
    });
    expect(heldExperiment.status).toBe(200);
    // Owners of the experiment that will be purged go with it.
    const v1 = (method: string, path: string, body: unknown) =>
      fetch(`${api.url}/api/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await v1('POST', '/teams', { name: 'gc-team' })).status).toBe(200);
    expect((await v1('PUT', `/experiments/${ids.deletedExperiment}/owners`, { team: 'gc-team' })).status).toBe(200);
    // So do its milestones; the live experiment keeps its own.
    const milestone = async (experimentId: string) => {
      const response = await v1('POST', `/experiments/${experimentId}/milestones`, {
        name: 'low loss',
        metricKey: 'loss',
        comparator: '<=',
        target: 0.1,
        dueTime: Date.now() + 86_400_000,
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { milestone: { id: string } }).milestone.id;
    };
    milestones.purged = await milestone(ids.deletedExperiment);
    milestones.kept = await milestone(ids.experiment);
    for (const runId of [ids.old, ids.referenced, ids.held, ids.recent]) await deleteRun(runId);
    for (const experimentId of [ids.deletedExperiment, ids.heldExperiment]) {
      expect((await mlflow.post('experiments/delete', { experiment_id: experimentId })).status).toBe(200);
    }
  });

  afterAll(async () => {
    await store?.close();
  });

  it('keeps everything deleted within the retention period, and a dry run changes nothing', async () => {
    const before = await counts();
    const recent = await collectInProcess({ now: Date.now(), retentionMs: 30 * DAY });
    expect(recent.items.length).toBeGreaterThan(0);
    for (const item of recent.items) {
      expect(item, item.id).toMatchObject({ outcome: 'kept', reason: 'deleted within the retention period' });
    }
    // Thirty days on, a dry run lists what would go and why the rest stays, and still writes nothing.
    const later = await collectInProcess({ now: Date.now() + 31 * DAY, retentionMs: 30 * DAY, dryRun: true });
    expect(outcomeOf(later, ids.old)?.outcome).toBe('would_purge');
    expect(outcomeOf(later, ids.recent)?.outcome).toBe('would_purge');
    expect(outcomeOf(later, ids.deletedExperiment)?.outcome).toBe('would_purge');
    expect(outcomeOf(later, ids.referenced)).toMatchObject({
      outcome: 'kept',
      reason: "source of registered model version 'gc-model' v1",
    });
    expect(outcomeOf(later, ids.held)).toMatchObject({ outcome: 'kept', reason: `on legal hold (tag ${HOLD})` });
    expect(outcomeOf(later, ids.inHeldExperiment)?.reason).toBe(
      `its experiment ${ids.heldExperiment} is on legal hold (tag ${HOLD})`,
    );
    expect(outcomeOf(later, ids.heldExperiment)?.reason).toBe(`on legal hold (tag ${HOLD})`);
    expect(later.items.find((item) => item.label === "'gc-held-model' v1")).toMatchObject({
      outcome: 'kept',
      reason: `its registered model 'gc-held-model' is on legal hold (tag ${HOLD})`,
    });
    expect(outcomeOf(later, ids.active)).toBeUndefined();
    expect(await counts()).toEqual(before);
    expect(existsSync(runFolder(ids.experiment, ids.old))).toBe(true);
  });

  it(
    'lists the same through the CLI with --dry-run and changes nothing',
    async () => {
      const before = await counts();
      const table = await gcCli('--older-than', '0', '--dry-run');
      expect(table.stderr).toBe('');
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(new RegExp(`run\\s+${ids.old}\\s+\\S+\\s+would purge`));
      expect(table.stdout).toMatch(new RegExp(`run\\s+${ids.held}\\s+\\S+\\s+kept\\s+on legal hold`));
      expect(table.stdout).toContain('Dry run:');
      const json = await garbageCollect({ ...cliOptions(), dryRun: true, json: true });
      expect(json.code).toBe(0);
      const report = JSON.parse(json.stdout) as CollectionReport;
      expect(report.dryRun).toBe(true);
      expect(outcomeOf(report, ids.inDeletedExperiment)?.outcome).toBe('would_purge');
      expect(await counts()).toEqual(before);
    },
    CLI_TIMEOUT,
  );

  it('refuses a retention it cannot read, or an artifact store that is not there, with exit code 2', async () => {
    const before = await counts();
    const bad = await garbageCollect({ ...cliOptions(), olderThan: '30' });
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toContain("Invalid retention period '30'");
    const typo = await garbageCollect({ ...cliOptions(), artifactsDestination: join(api.artifactsDir, 'typo') });
    expect(typo).toMatchObject({ code: 2, stdout: '' });
    expect(typo.stderr).toContain('no artifact store at');
    expect(await counts()).toEqual(before);
  });

  it(
    'purges what was deleted, with its rows, index entries and artifacts, and the audit log still verifies',
    async () => {
      expect(existsSync(runFolder(ids.deletedExperiment, ids.inDeletedExperiment))).toBe(true);
      const activeBefore = await mlflow.get('runs/get', { run_id: ids.active });
      const result = await gcCli('--older-than', '0', '--json');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as CollectionReport;
      for (const id of [ids.old, ids.recent, ids.inDeletedExperiment, ids.deletedExperiment]) {
        expect(outcomeOf(report, id)?.outcome, id).toBe('purged');
      }
      const deletedVersion = report.items.find((item) => item.label === "'gc-model' v2");
      expect(deletedVersion).toMatchObject({ type: 'model_version', outcome: 'purged' });
      expect(report.items.find((item) => item.label === "'gc-held-model' v1")?.outcome).toBe('kept');
      for (const id of [ids.referenced, ids.held, ids.inHeldExperiment, ids.heldExperiment]) {
        expect(outcomeOf(report, id)?.outcome, id).toBe('kept');
      }

      // Rows gone, each with its purge event.
      expect(await rowOf(ids.old)).toBeUndefined();
      for (const table of ['run_params', 'run_tags', 'metric_chunks', 'latest_metrics', 'artifacts'] as const) {
        const left = await store.db.selectFrom(table).select('run_id').where('run_id', '=', ids.old).execute();
        expect(left, table).toEqual([]);
      }
      const indexed = await store.db
        .selectFrom('search_documents')
        .select('doc_id')
        .where('doc_id', 'in', [`run:${ids.old}`, `experiment:${ids.deletedExperiment}`])
        .execute();
      expect(indexed).toEqual([]);
      const events = await store.db
        .selectFrom('audit_events')
        .select(['action', 'entity_id', 'actor'])
        .where('action', 'in', ['run.purge', 'experiment.purge', 'model_version.purge'])
        .execute();
      expect(events.map((e) => `${e.action} ${e.entity_id}`).sort()).toEqual(
        [
          `run.purge ${ids.old}`,
          `run.purge ${ids.recent}`,
          `run.purge ${ids.inDeletedExperiment}`,
          `experiment.purge ${ids.deletedExperiment}`,
          `model_version.purge ${deletedVersion!.id}`,
        ].sort(),
      );
      expect(new Set(events.map((e) => e.actor))).toEqual(new Set(['mnemo-gc']));
      // The purged version's declarations and revalidation flag went with it, named by its purge; version 1's stay.
      const modelId = deletedVersion!.id.slice(0, deletedVersion!.id.lastIndexOf('/'));
      const declared = await store.db
        .selectFrom('model_version_dependencies')
        .select('version')
        .where('model_id', '=', modelId)
        .execute();
      expect(declared.map((row) => Number(row.version))).toEqual([1]);
      // So did their index by package, which what-if reads.
      const requirements = await store.db
        .selectFrom('model_version_requirements')
        .select(['version', 'name', 'specifier'])
        .where('model_id', '=', modelId)
        .execute();
      expect(requirements.map((row) => [Number(row.version), row.name, row.specifier])).toEqual([[1, 'numpy', '<2']]);
      const flagsLeft = await store.db
        .selectFrom('model_version_revalidations')
        .select('flag_id')
        .where('model_id', '=', modelId)
        .execute();
      expect(flagsLeft).toEqual([]);
      const purge = await store.db
        .selectFrom('audit_events')
        .innerJoin('audit_states', 'audit_states.seq', 'audit_events.seq')
        .select('audit_states.state')
        .where('action', '=', 'model_version.purge')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(purge.state)).toMatchObject({
        declaredDependencies: true,
        revalidationFlags: [revalidationFlag],
      });
      // Comments go with what they were about, each with its own deletion event; others stay.
      const commentsLeft = await store.db.selectFrom('comments').select('comment_id').execute();
      expect(commentsLeft.map((c) => c.comment_id)).toEqual([comments.kept]);
      const commentEvents = await store.db
        .selectFrom('audit_events')
        .select(['entity_id', 'actor'])
        .where('action', '=', 'comment.delete')
        .execute();
      expect(commentEvents.map((e) => e.entity_id).sort()).toEqual([...comments.purged].sort());
      expect(new Set(commentEvents.map((e) => e.actor))).toEqual(new Set(['mnemo-gc']));
      const ownersLeft = await store.db.selectFrom('owners').select('owner_key').execute();
      expect(ownersLeft).toEqual([]);
      const ownerEvents = await store.db
        .selectFrom('audit_events')
        .select(['entity_id', 'actor'])
        .where('action', '=', 'owner.clear')
        .execute();
      expect(ownerEvents).toEqual([{ entity_id: `experiment:${ids.deletedExperiment}`, actor: 'mnemo-gc' }]);
      const milestonesLeft = await store.db.selectFrom('milestones').select('milestone_id').execute();
      expect(milestonesLeft.map((m) => m.milestone_id)).toEqual([milestones.kept]);
      const milestoneEvents = await store.db
        .selectFrom('audit_events')
        .select(['entity_id', 'actor'])
        .where('action', '=', 'milestone.delete')
        .execute();
      expect(milestoneEvents).toEqual([{ entity_id: milestones.purged, actor: 'mnemo-gc' }]);

      // Artifacts gone from disk; kept and active runs keep theirs.
      expect(existsSync(runFolder(ids.experiment, ids.old))).toBe(false);
      expect(existsSync(join(api.artifactsDir, ids.deletedExperiment))).toBe(false);
      expect(existsSync(runFolder(ids.experiment, ids.referenced))).toBe(true);
      expect(existsSync(runFolder(ids.experiment, ids.active))).toBe(true);

      // The server goes on: the active run is as it was, a purged one is not found, new runs can be made.
      expect(await mlflow.get('runs/get', { run_id: ids.active })).toEqual(activeBefore);
      expect((await mlflow.get('runs/get', { run_id: ids.old })).status).toBe(404);
      await run(ids.experiment);

      // What `mnemo audit verify` runs and prints.
      const verified = await auditVerify({ backendStoreUri: api.backendUri });
      expect(verified.stdout + verified.stderr).toContain('OK: the audit trail is intact');
      expect(verified.code).toBe(0);
      // Also when the verifier reads each run's history on its own instead of gathering them in one pass.
      expect((await verifyAuditTrail(store.db, { runValuesGathered: 0 })).problems).toEqual([]);
    },
    CLI_TIMEOUT,
  );

  it('purges a run or lets a concurrent restore keep it, never half of each', async () => {
    const runId = await run(ids.experiment);
    await deleteRun(runId);
    const collector = new GarbageCollector({
      store,
      unitOfWork: new UnitOfWork(store, new AuditLog(store.dialect), new SearchIndexer()),
      artifacts: openArtifactStore(api.artifactsDir),
      now: Date.now,
    });
    const [report, restore] = await Promise.all([
      runWithContext({ actor: 'test-gc', requestId: 'gc-race' }, () =>
        collector.collect({ retentionMs: 0, dryRun: false, scope: { runIds: [runId] } }),
      ),
      mlflow.post('runs/restore', { run_id: runId }),
    ]);
    const outcome = outcomeOf(report, runId);
    if (outcome?.outcome === 'purged') {
      expect(restore.status).toBe(404);
      expect(await rowOf(runId)).toBeUndefined();
      expect(existsSync(runFolder(ids.experiment, runId))).toBe(false);
    } else {
      // Restored first: either before gc listed it (not a candidate then) or before its transaction locked it.
      expect(restore.status).toBe(200);
      const got = await mlflow.get<{ run: { info: { lifecycle_stage: string }; data: { params: unknown[] } } }>(
        'runs/get',
        { run_id: runId },
      );
      expect(got.body.run.info.lifecycle_stage).toBe('active');
      expect(got.body.run.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
      expect(existsSync(runFolder(ids.experiment, runId))).toBe(true);
    }
    expect((await verifyAuditTrail(store.db)).problems).toEqual([]);
  });

  it('keeps the audit log honest: a purged row that returns and a row deleted without an event both fail', async () => {
    expect((await auditVerify({ backendStoreUri: api.backendUri })).code).toBe(0);
    // The held run, removed behind the log's back as a raw SQL delete would.
    for (const table of [
      'run_params',
      'run_tags',
      'metric_chunks',
      'metric_blocks',
      'latest_metrics',
      'artifacts',
    ] as const) {
      await store.db.deleteFrom(table).where('run_id', '=', ids.held).execute();
    }
    await sql`delete from runs where run_id = ${ids.held}`.execute(store.db);
    // The declarations of a version that was not purged, deleted with no event: its purged sibling's are accounted
    // for by their purge, these are not.
    const gcModel = await store.db
      .selectFrom('registered_models')
      .select('model_id')
      .where('name', '=', 'gc-model')
      .executeTakeFirstOrThrow();
    await store.db
      .deleteFrom('model_version_dependencies')
      .where('model_id', '=', gcModel.model_id)
      .where('version', '=', 1)
      .execute();
    const hidden = await auditVerify({ backendStoreUri: api.backendUri });
    expect(hidden.code).toBe(1);
    expect(hidden.stderr).toMatch(
      new RegExp(`dependency declaration of model version ${gcModel.model_id}/1, created by event \\d+, was deleted`),
    );
    expect(hidden.stderr).not.toContain(`${gcModel.model_id}/2`);
    expect(hidden.stderr).toContain(`run ${ids.held}, created by event`);
    expect(hidden.stderr).toContain('was deleted from the database');
    // Purged runs are not among the problems: their purge events account for them.
    expect(hidden.stderr).not.toContain(ids.old);
    // A purged run whose row is put back is reported too: the log says it is gone.
    const now = Date.now();
    await store.db
      .insertInto('runs')
      .values({
        run_id: ids.old,
        experiment_id: ids.experiment,
        run_name: 'back',
        user_id: 'someone',
        status: 'FINISHED',
        start_time: now,
        end_time: now,
        lifecycle_stage: 'active',
        artifact_uri: `mlflow-artifacts:/${ids.experiment}/${ids.old}/artifacts`,
        parent_run_id: null,
        deleted_time: null,
      })
      .execute();
    await store.db
      .insertInto('experiments')
      .values({
        experiment_id: ids.deletedExperiment,
        name: 'gc/deleted',
        artifact_location: `mlflow-artifacts:/${ids.deletedExperiment}`,
        lifecycle_stage: 'deleted',
        creation_time: now,
        last_update_time: now,
      })
      .execute();
    const returned = await auditVerify({ backendStoreUri: api.backendUri });
    expect(returned.code).toBe(1);
    expect(returned.stderr).toMatch(
      new RegExp(`run ${ids.old}: was purged by event \\d+ but its row is in the database`),
    );
    expect(returned.stderr).toMatch(
      new RegExp(`experiment ${ids.deletedExperiment} was purged by event \\d+ but its row is in the database`),
    );
  });
});
