import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import {
  ProblemLog,
  type VerificationProblem,
  type VerificationReport,
} from '../../src/domain/provenance/verification-report.js';
import { LineageClient } from '../../src/sdk/lineage.js';
import { verifyTargetEnvironmentHistories } from '../../src/services/provenance/verify/target-environment-history.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { createRun, upload } from '../registry/registry-helpers.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

type Expected = { kind: VerificationProblem['kind']; seq: number | null; message: string | RegExp };

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const exactly = (text: string) => new RegExp(`^${literal(text)}$`);

/**
 * What a model version declares and what each deployment target ran are records the audit log vouches for: a
 * declaration or an environment version changed, inserted or deleted behind the server's back is reported, naming
 * the model version or the target and version; a store written only through the server verifies clean.
 */
describe.each(backends)(
  'mnemo audit verify checks declared dependencies and target environments on $name',
  (backend) => {
    const api = useTestServer(backend);
    let store: Store;
    let modelId: string;
    let prodId: string;
    let stagingId: string;
    /** Environment ids prod's three versions set, in order. */
    const prodEnvironments: string[] = [];

    const ok = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> => {
      const response = await api.call<T>(method, path, body);
      expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
      return response.body;
    };
    const verify = async (): Promise<{ code: number; report: VerificationReport }> => {
      const result = await auditVerify({ backendStoreUri: api.backendUri, json: true });
      return { code: result.code, report: JSON.parse(result.stdout) as VerificationReport };
    };
    /** The events of an entity of a kind with one action, in order. */
    const seqsOf = async (entityKind: string, entityId: string, action: string) =>
      (
        await store.db
          .selectFrom('audit_events')
          .select('seq')
          .where('entity_kind', '=', entityKind)
          .where('entity_id', '=', entityId)
          .where('action', '=', action)
          .orderBy('seq')
          .execute()
      ).map((row) => Number(row.seq));

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

    const declaration = (version: number) =>
      store.db
        .selectFrom('model_version_dependencies')
        .selectAll()
        .where('model_id', '=', modelId)
        .where('version', '=', version)
        .executeTakeFirstOrThrow();
    const environmentVersion = (targetId: string, version: number) =>
      store.db
        .selectFrom('target_environment_versions')
        .selectAll()
        .where('target_id', '=', targetId)
        .where('version', '=', version)
        .executeTakeFirstOrThrow();

    beforeAll(async () => {
      store = await openStore(api.backendUri);
      const runId = await createRun(api, 'deps-verify');
      await upload(api, runId, 'model/model.bin', 'weights');
      await ok('POST', '/api/v1/registered-models', { name: 'fraud' });
      for (let i = 0; i < 3; i += 1) {
        await ok('POST', '/api/v1/registered-models/fraud/versions', { source: `runs:/${runId}/model` });
      }
      modelId = (
        await store.db
          .selectFrom('registered_models')
          .select('model_id')
          .where('name', '=', 'fraud')
          .executeTakeFirstOrThrow()
      ).model_id;
      // Version 1 declares through the API, version 2 from a requirements file that holds a line it skips; version 3
      // declares nothing.
      await ok('PUT', '/api/v1/registered-models/fraud/versions/1/dependencies', {
        dependencies: [
          { kind: 'pypi', name: 'numpy', specifier: '<2' },
          { kind: 'runtime', name: 'python', specifier: '>=3.10' },
        ],
      });
      await ok('PUT', '/api/v1/registered-models/fraud/versions/2/dependencies', {
        files: [{ name: 'requirements.txt', content: 'scikit-learn>=1.3,<1.6\n-e ./vendored\n' }],
      });
      const lineage = new LineageClient(api.url);
      prodId = (await lineage.registerDeploymentTarget({ name: 'prod' })).deploymentTarget.targetId;
      stagingId = (await lineage.registerDeploymentTarget({ name: 'staging' })).deploymentTarget.targetId;
      const setEnvironment = (target: string, content: string) =>
        ok<{ environment: { environmentId: string } }>('PUT', `/api/v1/deployment-targets/${target}/environment`, {
          file: 'requirements.txt',
          content,
          runtime: 'python 3.11.9',
        });
      for (const numpy of ['1.26.4', '2.0.2', '2.1.0']) {
        prodEnvironments.push((await setEnvironment('prod', `numpy==${numpy}\n`)).environment.environmentId);
      }
      await setEnvironment('staging', 'numpy==1.26.4\n');
    });
    afterAll(async () => store?.close());

    it('verifies a store holding declarations and several environment versions clean', async () => {
      expect(new Set(prodEnvironments).size).toBe(3);
      const versions = await store.db
        .selectFrom('target_environment_versions')
        .select(['target_id', 'version', 'environment_id'])
        .orderBy('target_id')
        .orderBy('version')
        .execute();
      expect(versions.filter((v) => v.target_id === prodId).map((v) => v.environment_id)).toEqual(prodEnvironments);
      expect(versions.filter((v) => v.target_id === stagingId)).toHaveLength(1);
      expect(JSON.parse((await declaration(2)).document).skipped).toHaveLength(1);
      const { code, report } = await verify();
      expect(report.problems).toEqual([]);
      expect(code).toBe(0);
    });

    it('reports a declaration edited behind the server, naming the model version', async () => {
      const [set] = await seqsOf('model_version_dependencies', `${modelId}/1`, 'model_version.set_dependencies');
      const label = `dependencies declared for model 'fraud' version 1 (${modelId}/1)`;
      await detect(async () => {
        const row = await declaration(1);
        const document = JSON.parse(row.document);
        document.dependencies[0].specifier = '<3';
        await store.db
          .updateTable('model_version_dependencies')
          .set({ document: JSON.stringify(document) })
          .where('model_id', '=', modelId)
          .where('version', '=', 1)
          .execute();
        return async () => {
          await store.db
            .updateTable('model_version_dependencies')
            .set({ document: row.document })
            .where('model_id', '=', modelId)
            .where('version', '=', 1)
            .execute();
        };
      }, [
        {
          kind: 'entity-changed',
          seq: set!,
          message: new RegExp(`^${literal(`${label} was changed after event ${set}: `)}.*dependencies.*<3`),
        },
        // The index by package, rewritten only with the document, still holds what the server stored.
        {
          kind: 'entity-changed',
          seq: null,
          message: `the index by package of model 'fraud' version 1 (${modelId}/1) does not match its declarations: declaration 1 is pypi numpy '<2' in it, pypi numpy '<3' in the document`,
        },
      ]);
      // The part of a file that was skipped is recorded too: rewriting it shows.
      const [setFromFiles] = await seqsOf(
        'model_version_dependencies',
        `${modelId}/2`,
        'model_version.set_dependencies',
      );
      await detect(async () => {
        const row = await declaration(2);
        const document = JSON.parse(row.document);
        document.skipped = [];
        await store.db
          .updateTable('model_version_dependencies')
          .set({ document: JSON.stringify(document) })
          .where('model_id', '=', modelId)
          .where('version', '=', 2)
          .execute();
        return async () => {
          await store.db
            .updateTable('model_version_dependencies')
            .set({ document: row.document })
            .where('model_id', '=', modelId)
            .where('version', '=', 2)
            .execute();
        };
      }, [
        {
          kind: 'entity-changed',
          seq: setFromFiles!,
          message: new RegExp(
            `^${literal(`dependencies declared for model 'fraud' version 2 (${modelId}/2) was changed after event ${setFromFiles}: `)}skipped is \\[\\] but the log recorded \\[.*editable`,
          ),
        },
      ]);
    });

    it('reports a declaration deleted, or inserted for a version that declared nothing', async () => {
      const [set] = await seqsOf('model_version_dependencies', `${modelId}/2`, 'model_version.set_dependencies');
      await detect(async () => {
        const row = await declaration(2);
        await store.db
          .deleteFrom('model_version_dependencies')
          .where('model_id', '=', modelId)
          .where('version', '=', 2)
          .execute();
        return async () => {
          await store.db.insertInto('model_version_dependencies').values(row).execute();
        };
      }, [
        {
          kind: 'entity-missing',
          seq: set!,
          message: `dependency declaration of model version ${modelId}/2, created by event ${set}, was deleted from the database`,
        },
        {
          kind: 'entity-unrecorded',
          seq: null,
          message: `model 'fraud' version 2 (${modelId}/2) has rows in the index by package but declares nothing: they were inserted directly`,
        },
      ]);
      await detect(async () => {
        const row = { ...(await declaration(1)), version: 3 };
        await store.db.insertInto('model_version_dependencies').values(row).execute();
        return async () => {
          await store.db
            .deleteFrom('model_version_dependencies')
            .where('model_id', '=', modelId)
            .where('version', '=', 3)
            .execute();
        };
      }, [
        {
          kind: 'entity-unrecorded',
          seq: null,
          message: `dependencies declared for model 'fraud' version 3 (${modelId}/3) has no audit record: it was inserted directly`,
        },
        {
          kind: 'entity-changed',
          seq: null,
          message:
            `the index by package of model 'fraud' version 3 (${modelId}/3) does not match its declarations: ` +
            "declaration 1 (pypi numpy '<2') is missing from it; declaration 2 (runtime python '>=3.10') is missing from it",
        },
      ]);
    });

    it('reports the index by package edited, deleted from or added to behind the server', async () => {
      const index = (version: number) =>
        store.db
          .selectFrom('model_version_requirements')
          .selectAll()
          .where('model_id', '=', modelId)
          .where('version', '=', version)
          .orderBy('position')
          .execute();
      const original = await index(1);
      expect(original.map((r) => [r.position, r.kind, r.name, r.specifier])).toEqual([
        [0, 'pypi', 'numpy', '<2'],
        [1, 'runtime', 'python', '>=3.10'],
      ]);
      const restore = async () => {
        await store.db
          .deleteFrom('model_version_requirements')
          .where('model_id', '=', modelId)
          .where('version', '=', 1)
          .execute();
        await store.db.insertInto('model_version_requirements').values(original).execute();
      };
      const label = `the index by package of model 'fraud' version 1 (${modelId}/1) does not match its declarations`;
      // numpy's bound widened in the index alone: a what-if for numpy 2 would miss this version.
      await detect(async () => {
        await store.db
          .updateTable('model_version_requirements')
          .set({ specifier: '<3' })
          .where('model_id', '=', modelId)
          .where('version', '=', 1)
          .where('position', '=', 0)
          .execute();
        return restore;
      }, [
        {
          kind: 'entity-changed',
          seq: null,
          message: `${label}: declaration 1 is pypi numpy '<3' in it, pypi numpy '<2' in the document`,
        },
      ]);
      await detect(async () => {
        await store.db
          .deleteFrom('model_version_requirements')
          .where('model_id', '=', modelId)
          .where('version', '=', 1)
          .where('position', '=', 1)
          .execute();
        await store.db
          .insertInto('model_version_requirements')
          .values({ ...original[0]!, position: 4, name: 'pandas', specifier: '>=2' })
          .execute();
        return restore;
      }, [
        {
          kind: 'entity-changed',
          seq: null,
          message:
            `${label}: declaration 2 (runtime python '>=3.10') is missing from it; ` +
            "it holds pypi pandas '>=2' at declaration 5, which the document does not",
        },
      ]);
    });

    it('reports a target environment version whose environment was changed, naming the target and version', async () => {
      const sets = await seqsOf('deployment_target', prodId, 'lineage.deployment_target.set_environment');
      expect(sets).toHaveLength(3);
      await detect(async () => {
        await store.db
          .updateTable('target_environment_versions')
          .set({ environment_id: prodEnvironments[0]! })
          .where('target_id', '=', prodId)
          .where('version', '=', 2)
          .execute();
        return async () => {
          await store.db
            .updateTable('target_environment_versions')
            .set({ environment_id: prodEnvironments[1]! })
            .where('target_id', '=', prodId)
            .where('version', '=', 2)
            .execute();
        };
      }, [
        {
          kind: 'entity-changed',
          seq: sets[1]!,
          message:
            `deployment target 'prod' (${prodId}) environment version 2 was changed after event ${sets[1]}: ` +
            `environment is ${prodEnvironments[0]} but the event set ${prodEnvironments[1]}`,
        },
      ]);
    });

    it("reports a target environment version's report format or time edited, and spares older events", async () => {
      const sets = await seqsOf('deployment_target', prodId, 'lineage.deployment_target.set_environment');
      const label = `deployment target 'prod' (${prodId}) environment version 2 was changed after event ${sets[1]}`;
      const original = await environmentVersion(prodId, 2);
      expect(original.source_format).toBe('auto');
      const edit = (values: { source_format?: string; set_time?: number }) => async () => {
        await store.db
          .updateTable('target_environment_versions')
          .set(values)
          .where('target_id', '=', prodId)
          .where('version', '=', 2)
          .execute();
        return async () => {
          await store.db
            .updateTable('target_environment_versions')
            .set({ source_format: original.source_format, set_time: original.set_time })
            .where('target_id', '=', prodId)
            .where('version', '=', 2)
            .execute();
        };
      };
      await detect(edit({ source_format: 'poetry-lock' }), [
        {
          kind: 'entity-changed',
          seq: sets[1]!,
          message: `${label}: source_format is 'poetry-lock' but the event recorded 'auto'`,
        },
      ]);
      const setTime = Number(original.set_time);
      await detect(edit({ source_format: 'uv-lock', set_time: setTime - 60_000 }), [
        {
          kind: 'entity-changed',
          seq: sets[1]!,
          message:
            `${label}: source_format is 'uv-lock' but the event recorded 'auto'; ` +
            `set_time is ${setTime - 60_000} but the event recorded ${setTime}`,
        },
      ]);

      // An event written before these were recorded is not held to them (the history walk alone, since changing the
      // event itself breaks the log's chain, which the full verify reports on its own).
      const event = await store.db
        .selectFrom('audit_states')
        .select(['seq', 'state'])
        .where('seq', '=', sets[1]!)
        .executeTakeFirstOrThrow();
      const state = JSON.parse(event.state as string);
      expect(state.environmentVersion).toEqual({
        version: 2,
        environmentId: prodEnvironments[1],
        sourceFormat: 'auto',
        setTime,
      });
      const { environmentVersion: _made, ...older } = state;
      const restore = await edit({ source_format: 'poetry-lock' })();
      await store.db
        .updateTable('audit_states')
        .set({ state: JSON.stringify(older) })
        .where('seq', '=', sets[1]!)
        .execute();
      try {
        const problems = new ProblemLog();
        await verifyTargetEnvironmentHistories(store.db, problems);
        expect(problems.sorted()).toEqual([]);
      } finally {
        await store.db.updateTable('audit_states').set({ state: event.state }).where('seq', '=', sets[1]!).execute();
        await restore();
      }
      expect((await verify()).report.problems).toEqual([]);
    });

    it('reports a fake environment version inserted, and versions deleted', async () => {
      const prodSets = await seqsOf('deployment_target', prodId, 'lineage.deployment_target.set_environment');
      const [stagingSet] = await seqsOf('deployment_target', stagingId, 'lineage.deployment_target.set_environment');
      await detect(async () => {
        const last = await environmentVersion(prodId, 3);
        await store.db
          .insertInto('target_environment_versions')
          .values({ ...last, version: 4, environment_id: prodEnvironments[0]!, set_time: last.set_time + 1 })
          .execute();
        return async () => {
          await store.db
            .deleteFrom('target_environment_versions')
            .where('target_id', '=', prodId)
            .where('version', '=', 4)
            .execute();
        };
      }, [
        {
          kind: 'entity-unrecorded',
          seq: null,
          message: `deployment target 'prod' (${prodId}) environment version 4 has no audit record: it was inserted directly`,
        },
      ]);
      // A version removed from the middle of prod's history, and staging's only one: each event lost its row.
      await detect(async () => {
        const middle = await environmentVersion(prodId, 2);
        const only = await environmentVersion(stagingId, 1);
        await store.db
          .deleteFrom('target_environment_versions')
          .where((eb) =>
            eb.or([eb.and([eb('target_id', '=', prodId), eb('version', '=', 2)]), eb('target_id', '=', stagingId)]),
          )
          .execute();
        return async () => {
          await store.db.insertInto('target_environment_versions').values([middle, only]).execute();
        };
      }, [
        {
          kind: 'entity-missing',
          seq: prodSets[1]!,
          message: `deployment target 'prod' (${prodId}) environment version 2, set by event ${prodSets[1]}, was deleted from the database`,
        },
        {
          kind: 'entity-missing',
          seq: stagingSet!,
          message: `deployment target 'staging' (${stagingId}) environment version 1, set by event ${stagingSet}, was deleted from the database`,
        },
      ]);
    });

    it('walks histories the same whatever the page sizes, one target and one row at a time included', async () => {
      const histories = async (sizes?: { targets: number; page: number }) => {
        const problems = new ProblemLog();
        const checked = await verifyTargetEnvironmentHistories(store.db, problems, sizes);
        return { checked, messages: problems.sorted().map((p) => p.message) };
      };
      expect(await histories()).toEqual({ checked: 4, messages: [] });
      expect(await histories({ targets: 1, page: 1 })).toEqual({ checked: 4, messages: [] });
      const middle = await environmentVersion(prodId, 2);
      const only = await environmentVersion(stagingId, 1);
      await store.db
        .deleteFrom('target_environment_versions')
        .where('target_id', '=', prodId)
        .where('version', '=', 2)
        .execute();
      await store.db
        .insertInto('target_environment_versions')
        .values({ ...only, version: 2 })
        .execute();
      try {
        const whole = await histories();
        expect(whole.messages).toEqual([
          expect.stringMatching(/^deployment target 'prod' .* environment version 2, set by event \d+, was deleted/),
          expect.stringMatching(/^deployment target 'staging' .* environment version 2 has no audit record/),
        ]);
        for (const sizes of [
          { targets: 1, page: 1 },
          { targets: 1, page: 2 },
          { targets: 2, page: 1 },
        ]) {
          expect(await histories(sizes), JSON.stringify(sizes)).toEqual(whole);
        }
      } finally {
        await store.db
          .deleteFrom('target_environment_versions')
          .where('target_id', '=', stagingId)
          .where('version', '=', 2)
          .execute();
        await store.db.insertInto('target_environment_versions').values(middle).execute();
      }
      expect(await histories({ targets: 1, page: 1 })).toEqual({ checked: 4, messages: [] });
    });
  },
);
