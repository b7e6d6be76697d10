import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import type { VerificationProblem, VerificationReport } from '../../src/domain/provenance/verification-report.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { backends } from '../support/backends.js';
import { given } from '../support/builders.js';
import { useProvenanceServer } from './support/provenance-server.js';

type Event = { seq: number; action: string; entityKind: string; entityId: string };
type Expected = { kind: VerificationProblem['kind']; seq: number | null; message: RegExp };

/** Rows that hang off a model version and go with it when its row is deleted. */
const VERSION_CHILDREN = [
  'model_version_tags',
  'model_version_transitions',
  'model_version_evaluations',
  'model_version_checks',
  'model_aliases',
] as const;

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe.each(backends)('mnemo audit verify checks the model registry on $name', (backend) => {
  const api = useProvenanceServer(backend);
  let db: Store;
  let runId: string;
  let fraud: string;
  let mlflowModel: string;
  let events: Event[];

  const ok = async (method: string, path: string, body?: unknown) => {
    const response = await api.call(method, path, body);
    expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
    return response.body;
  };
  const modelId = async (name: string) =>
    (await db.db.selectFrom('registered_models').select('model_id').where('name', '=', name).executeTakeFirstOrThrow())
      .model_id;
  /** The latest event of an entity with one of the given actions. */
  const seqOf = (entityId: string, ...actions: string[]) =>
    events.filter((e) => e.entityId === entityId && actions.includes(e.action)).at(-1)!.seq;
  const verify = async (): Promise<{ code: number; report: VerificationReport }> => {
    const result = await auditVerify({ backendStoreUri: api.backendUri, json: true });
    return { code: result.code, report: JSON.parse(result.stdout) as VerificationReport };
  };

  /** Tampers, checks that verify reports exactly the expected problems, undoes it and checks all is clean again. */
  async function detect(tamper: () => Promise<() => Promise<void>>, expected: Expected[]) {
    const undo = await tamper();
    try {
      const { code, report } = await verify();
      expect(report.problems).toEqual(
        expected.map((e) => ({ kind: e.kind, seq: e.seq, message: expect.stringMatching(e.message) })),
      );
      expect(code).toBe(1);
    } finally {
      await undo();
    }
    const clean = await verify();
    expect(clean.report.problems).toEqual([]);
    expect(clean.code).toBe(0);
  }

  const versionRow = (id: string, version: number) =>
    db.db.updateTable('model_versions').where('model_id', '=', id).where('version', '=', version);

  beforeAll(async () => {
    const data = given(api);
    runId = (await (await data.experiment('registry')).run()).runId;
    for (const label of ['m1', 'm2', 'm3', 'm4', 's1', 's2', 'ml']) {
      await api.upload(runId, `${label}/model.bin`, `weights of ${label}`);
    }
    const models = '/api/v1/registered-models';
    await data.registeredModel('fraud', { description: 'first cut', tags: { team: 'risk' } });
    const register = (name: string, label: string, extra: Record<string, unknown> = {}) =>
      data.modelVersion(name, runId, label, extra);
    await register('fraud', 'm1');
    await register('fraud', 'm2', {
      description: 'gradient boosting',
      signature: { inputs: [{ name: 'amount', type: 'double' }], outputs: [{ type: 'long' }] },
      metadata: { framework: 'xgboost', params: { eta: 0.1, depth: 6 } },
    });
    await register('fraud', 'm3');
    const stage = (version: number, body: Record<string, unknown>) =>
      ok('POST', `${models}/fraud/versions/${version}/stage`, body);
    await stage(1, { stage: 'Staging' });
    await stage(1, { stage: 'Production' });
    await stage(2, { stage: 'Production', archiveExistingVersions: true, reason: 'better recall' });
    await ok('PUT', `${models}/fraud/aliases/champion`, { version: 1 });
    await ok('PUT', `${models}/fraud/aliases/champion`, { version: 2 });
    await ok('PUT', `${models}/fraud/aliases/challenger`, { version: '3' });
    await ok('PATCH', `${models}/fraud/versions/2`, { releaseNotes: 'recall +4%' });
    await ok('PUT', `${models}/fraud/versions/2/tags`, { tags: { validated: 'yes', owner: 'ana' } });
    await ok('DELETE', `${models}/fraud/versions/2/tags/owner`);
    await ok('POST', `${models}/fraud/versions/2/evaluations`, { results: [{ metric: 'auc', value: 0.91 }] });
    // Deleting version 3 drops the challenger alias with it, without an alias event.
    await ok('DELETE', `${models}/fraud/versions/3`);
    await register('fraud', 'm4');
    await ok('PUT', `${models}/fraud/aliases/challenger`, { version: 4 });
    await ok('DELETE', `${models}/fraud/aliases/challenger`);
    await ok('PATCH', `${models}/fraud`, { description: 'second cut' });
    await ok('PUT', `${models}/fraud/tags`, { tags: { tier: 'gold' } });
    await ok('DELETE', `${models}/fraud/tags/team`);
    // A rename leaves the name recorded in the versions' states behind.
    await ok('POST', `${models}/fraud/rename`, { newName: 'fraud-detector' });
    // Deleted and registered again under the same name: a new model with its own history.
    await data.registeredModel('scratch');
    await register('scratch', 's1');
    await ok('PUT', `${models}/scratch/aliases/best`, { version: 1 });
    await ok('DELETE', `${models}/scratch`);
    await data.registeredModel('scratch');
    await register('scratch', 's2');
    // Through the MLflow adapter.
    await ok('POST', '/api/2.0/mlflow/registered-models/create', { name: 'mlflow-model' });
    await ok('POST', '/api/2.0/mlflow/model-versions/create', {
      name: 'mlflow-model',
      source: `runs:/${runId}/ml`,
      run_id: runId,
    });
    await ok('POST', '/api/2.0/mlflow/model-versions/transition-stage', {
      name: 'mlflow-model',
      version: '1',
      stage: 'Staging',
      archive_existing_versions: false,
    });
    await ok('POST', '/api/v1/audit/checkpoints');
    events = ((await ok('GET', '/api/v1/audit/events?maxResults=1000')) as { events: Event[] }).events.sort(
      (a, b) => a.seq - b.seq,
    );
    db = await openStore(api.backendUri);
    fraud = await modelId('fraud-detector');
    mlflowModel = await modelId('mlflow-model');
  });
  afterAll(async () => db?.close());

  it('passes a registry with stage moves, alias moves, deletes, a rename and a re-registration', async () => {
    const { code, report } = await verify();
    expect(report.problems).toEqual([]);
    expect(code).toBe(0);
    // Two experiments (with the default one) and a run; three models (the deleted one is gone) and six version rows
    // (a deleted version keeps its row).
    expect(report.entities).toBe(2 + 1 + 3 + 6);
  });

  it("finds a version's source, status and stage changed in place, naming its latest event", async () => {
    const v2 = `${fraud}/2`;
    const tagged = seqOf(v2, 'model_version.delete_tag');
    await detect(async () => {
      await versionRow(fraud, 2).set({ source: 'runs:/0123456789abcdef0123456789abcdef/evil' }).execute();
      return async () => {
        await versionRow(fraud, 2)
          .set({ source: `runs:/${runId}/m2` })
          .execute();
      };
    }, [
      {
        kind: 'entity-changed',
        seq: tagged,
        message: new RegExp(
          `^model version 'fraud-detector' v2 \\(${v2}\\): changed after event ${tagged}: ` +
            `source is "runs:/0123456789abcdef0123456789abcdef/evil" but the log recorded "runs:/${runId}/m2"$`,
        ),
      },
    ]);
    const archived = seqOf(`${fraud}/1`, 'model_version.transition_stage');
    await detect(async () => {
      await versionRow(fraud, 1).set({ status: 'FAILED_REGISTRATION', stage: 'Production' }).execute();
      return async () => {
        await versionRow(fraud, 1).set({ status: 'READY', stage: 'Archived' }).execute();
      };
    }, [
      {
        kind: 'entity-changed',
        seq: archived,
        message: new RegExp(
          `changed after event ${archived}: stage is "Production" but the log recorded "Archived"; ` +
            'status is "FAILED_REGISTRATION" but the log recorded "READY"$',
        ),
      },
    ]);
  });

  it('finds signature, metadata, run link and manifest edits of a version', async () => {
    const v2 = `${fraud}/2`;
    const latest = seqOf(v2, 'model_version.delete_tag');
    const created = seqOf(v2, 'model_version.create');
    const row = await db.db
      .selectFrom('model_versions')
      .selectAll()
      .where('model_id', '=', fraud)
      .where('version', '=', 2)
      .executeTakeFirstOrThrow();
    const restore = async () => {
      const { model_id: _m, version: _v, ...columns } = row;
      await versionRow(fraud, 2).set(columns).execute();
    };
    await detect(async () => {
      await versionRow(fraud, 2)
        .set({ signature: '{"inputs":[],"outputs":[]}', metadata: '{"framework":"torch"}', run_id: null })
        .execute();
      return restore;
    }, [
      {
        kind: 'entity-changed',
        seq: latest,
        message: new RegExp(
          `changed after event ${latest}: metadata is \\{"framework":"torch"\\} but the log recorded ` +
            `\\{"framework":"xgboost","params":\\{"depth":6,"eta":0.1\\}\\}; runId is null but the log recorded "${runId}"; ` +
            'signature is \\{"inputs":\\[\\],"outputs":\\[\\]\\} but the log recorded',
        ),
      },
    ]);
    // Files listed with another digest, and the files served from somewhere else.
    const manifest = row.manifest.replace(/"sha256":"[0-9a-f]{64}"/, `"sha256":"${'0'.repeat(64)}"`);
    expect(manifest).not.toBe(row.manifest);
    await detect(async () => {
      await versionRow(fraud, 2)
        .set({ manifest, storage_path: `${row.storage_path}-elsewhere` })
        .execute();
      return restore;
    }, [
      {
        kind: 'entity-changed',
        seq: created,
        message: new RegExp(
          `^model version 'fraud-detector' v2 \\(${v2}\\): storage path is "${literal(row.storage_path)}-elsewhere" ` +
            `but event ${created} registered it from "${literal(row.storage_path)}"$`,
        ),
      },
      {
        kind: 'entity-changed',
        seq: created,
        message: /its stored file list no longer hashes to its manifest digest: the files it names were edited$/,
      },
    ]);
  });

  it("finds a model's description changed and its version counter lowered", async () => {
    const renamed = seqOf(fraud, 'registered_model.rename');
    const model = () => db.db.updateTable('registered_models').where('model_id', '=', fraud);
    await detect(async () => {
      await model().set({ description: 'nothing to see' }).execute();
      return async () => {
        await model().set({ description: 'second cut' }).execute();
      };
    }, [
      {
        kind: 'entity-changed',
        seq: renamed,
        message: new RegExp(
          `^registered model 'fraud-detector' \\(${fraud}\\): changed after event ${renamed}: ` +
            'description is "nothing to see" but the log recorded "second cut"$',
        ),
      },
    ]);
    const fourth = seqOf(`${fraud}/4`, 'model_version.create');
    await detect(async () => {
      await model().set({ last_version: 2 }).execute();
      return async () => {
        await model().set({ last_version: 4 }).execute();
      };
    }, [
      {
        kind: 'entity-changed',
        seq: fourth,
        message: new RegExp(
          `last_version is 2 but the log registered versions up to 4 \\(event ${fourth}\\): version numbers would be reused$`,
        ),
      },
    ]);
  });

  it('finds last-updated times changed, naming the event that last set them', async () => {
    const scratch = await modelId('scratch');
    // The new scratch model was last touched by registering its version, not by an event of its own.
    const registered = seqOf(`${scratch}/1`, 'model_version.create');
    const recorded = async (seq: number) =>
      (
        JSON.parse(
          (await db.db.selectFrom('audit_states').select('state').where('seq', '=', seq).executeTakeFirstOrThrow())
            .state,
        ) as { lastUpdatedTime: number }
      ).lastUpdatedTime;
    const time = await recorded(registered);
    const model = () => db.db.updateTable('registered_models').where('model_id', '=', scratch);
    await detect(async () => {
      await model().set({ last_updated_time: 7 }).execute();
      return async () => {
        await model().set({ last_updated_time: time }).execute();
      };
    }, [
      {
        kind: 'entity-changed',
        seq: registered,
        message: new RegExp(
          `^registered model 'scratch' \\(${scratch}\\): lastUpdatedTime is 7 but event ${registered} recorded ${time}$`,
        ),
      },
    ]);
    const archived = seqOf(`${fraud}/1`, 'model_version.transition_stage');
    const archivedTime = await recorded(archived);
    await detect(async () => {
      await versionRow(fraud, 1).set({ last_updated_time: 8 }).execute();
      return async () => {
        await versionRow(fraud, 1).set({ last_updated_time: archivedTime }).execute();
      };
    }, [
      {
        kind: 'entity-changed',
        seq: archived,
        message: new RegExp(
          `v1 \\(${fraud}/1\\): lastUpdatedTime is 8 but event ${archived} recorded ${archivedTime}$`,
        ),
      },
    ]);
  });

  it('finds an alias repointed, one inserted behind the log, and a deleted one put back', async () => {
    const moved = events.filter((e) => e.entityId === fraud && e.action === 'registered_model.set_alias')[1]!.seq;
    const alias = (name: string) =>
      db.db.updateTable('model_aliases').where('model_id', '=', fraud).where('alias', '=', name);
    await detect(async () => {
      await alias('champion').set({ version: 1 }).execute();
      return async () => {
        await alias('champion').set({ version: 2 }).execute();
      };
    }, [
      {
        kind: 'entity-changed',
        seq: moved,
        message: new RegExp(
          `^registered model 'fraud-detector' \\(${fraud}\\): alias 'champion' is "1" but event ${moved} recorded "2"$`,
        ),
      },
    ]);
    await detect(async () => {
      await db.db.insertInto('model_aliases').values({ model_id: fraud, alias: 'shadow', version: 4 }).execute();
      return async () => {
        await db.db.deleteFrom('model_aliases').where('model_id', '=', fraud).where('alias', '=', 'shadow').execute();
      };
    }, [{ kind: 'entity-unrecorded', seq: null, message: /alias 'shadow' = "4" was never recorded in the log$/ }]);
    // Challenger went with version 3's deletion; putting it back on the (revived) version is two edits.
    const deleted = seqOf(`${fraud}/3`, 'model_version.delete');
    await detect(async () => {
      await versionRow(fraud, 3).set({ deleted_time: null }).execute();
      await db.db.insertInto('model_aliases').values({ model_id: fraud, alias: 'challenger', version: 3 }).execute();
      return async () => {
        await db.db
          .deleteFrom('model_aliases')
          .where('model_id', '=', fraud)
          .where('alias', '=', 'challenger')
          .execute();
        await restoreDeletedTime(3);
      };
    }, [
      {
        kind: 'entity-changed',
        seq: deleted,
        message: new RegExp(`v3 \\(${fraud}/3\\): was deleted by event ${deleted} but is live in the database$`),
      },
      { kind: 'entity-unrecorded', seq: null, message: /alias 'challenger' = "3" was never recorded in the log$/ },
    ]);
  });

  /** Puts back the deletion time that version's delete event recorded. */
  async function restoreDeletedTime(version: number) {
    const deleteEvent = events.find(
      (e) => e.entityId === `${fraud}/${version}` && e.action === 'model_version.delete',
    )!;
    const { state } = await db.db
      .selectFrom('audit_states')
      .select('state')
      .where('seq', '=', deleteEvent.seq)
      .executeTakeFirstOrThrow();
    await versionRow(fraud, version)
      .set({ deleted_time: (JSON.parse(state) as { deletedTime: number }).deletedTime })
      .execute();
  }

  it('finds a version row deleted and a model row inserted directly', async () => {
    const registered = seqOf(`${fraud}/1`, 'model_version.create');
    await detect(async () => {
      const where = { model_id: fraud, version: 1 };
      const row = await db.db
        .selectFrom('model_versions')
        .selectAll()
        .where('model_id', '=', where.model_id)
        .where('version', '=', where.version)
        .executeTakeFirstOrThrow();
      const children = await Promise.all(
        VERSION_CHILDREN.map((table) =>
          db.db
            .selectFrom(table)
            .selectAll()
            .where('model_id', '=', where.model_id)
            .where('version', '=', where.version)
            .execute(),
        ),
      );
      await db.db
        .deleteFrom('model_versions')
        .where('model_id', '=', where.model_id)
        .where('version', '=', where.version)
        .execute();
      return async () => {
        await db.db.insertInto('model_versions').values(row).execute();
        for (const [i, table] of VERSION_CHILDREN.entries()) {
          const rows = children[i]!;
          if (rows.length > 0)
            await db.db
              .insertInto(table)
              .values(rows as never)
              .execute();
        }
      };
    }, [
      {
        kind: 'entity-missing',
        seq: registered,
        message: new RegExp(
          `^model version ${fraud}/1, registered by event ${registered}, was deleted from the database$`,
        ),
      },
    ]);
    await detect(async () => {
      await db.db
        .insertInto('registered_models')
        .values({
          model_id: 'f'.repeat(32),
          name: 'ghost',
          description: 'never registered',
          owner_team: null,
          purpose: null,
          algorithm_family: null,
          task_type: null,
          intended_use: null,
          limitations: null,
          latency_budget_ms: null,
          regulatory_flags: '[]',
          metadata: '{}',
          metadata_schema_subject: null,
          metadata_schema_version: null,
          last_version: 0,
          creation_time: 1,
          last_updated_time: 1,
        })
        .execute();
      return async () => {
        await db.db.deleteFrom('registered_models').where('model_id', '=', 'f'.repeat(32)).execute();
      };
    }, [
      {
        kind: 'entity-unrecorded',
        seq: null,
        message: new RegExp(
          `^registered model 'ghost' \\(${'f'.repeat(32)}\\) has no audit record: it was inserted directly$`,
        ),
      },
    ]);
  });

  it('finds a whole model deleted from the database, once for the model and not for each version', async () => {
    const created = seqOf(mlflowModel, 'registered_model.create');
    await detect(async () => {
      const model = await db.db
        .selectFrom('registered_models')
        .selectAll()
        .where('model_id', '=', mlflowModel)
        .executeTakeFirstOrThrow();
      const versions = await db.db
        .selectFrom('model_versions')
        .selectAll()
        .where('model_id', '=', mlflowModel)
        .execute();
      const transitions = await db.db
        .selectFrom('model_version_transitions')
        .selectAll()
        .where('model_id', '=', mlflowModel)
        .execute();
      expect(versions).toHaveLength(1);
      await db.db.deleteFrom('registered_models').where('model_id', '=', mlflowModel).execute();
      return async () => {
        await db.db.insertInto('registered_models').values(model).execute();
        await db.db.insertInto('model_versions').values(versions).execute();
        await db.db.insertInto('model_version_transitions').values(transitions).execute();
      };
    }, [
      {
        kind: 'entity-missing',
        seq: created,
        message: new RegExp(
          `^registered model ${mlflowModel}, created by event ${created}, was deleted from the database with its versions$`,
        ),
      },
    ]);
  });

  it('names the model and the event in the text report', async () => {
    const renamed = seqOf(fraud, 'registered_model.rename');
    await db.db.updateTable('registered_models').set({ owner_team: 'mallory' }).where('model_id', '=', fraud).execute();
    try {
      const result = await auditVerify({ backendStoreUri: api.backendUri });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(
          `^FAILED: registered model 'fraud-detector' \\(${fraud}\\): changed after event ${renamed}: ` +
            'ownerTeam is "mallory" but the log recorded null',
        ),
      );
    } finally {
      await db.db.updateTable('registered_models').set({ owner_team: null }).where('model_id', '=', fraud).execute();
    }
  });
});
