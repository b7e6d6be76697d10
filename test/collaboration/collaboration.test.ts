import { beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import type { VerificationReport } from '../../src/domain/provenance/verification-report.js';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

interface CommentJson {
  id: string;
  author: string;
  body: string;
  entity: { kind: string; id: string };
  createdAt: number;
  updatedAt: number;
}
interface MilestoneJson {
  id: string;
  name: string;
  progress: {
    best: number | null;
    bestRunId: string | null;
    runsConsidered: number;
    status: string;
    fraction: number | null;
  };
}
interface InboxJson {
  notifications: { kind: string; subject: string; link: string | null; resource: { kind: string } | null }[];
  unreadCount: number;
}

const DAY = 86_400_000;

/**
 * Comments with mentions and milestones over HTTP, with access control on and no default role: ana edits the
 * experiment, bo reads it and the model, carl reads nothing, dora reads only the model.
 */
describe.each(backends)('comments, mentions and milestones on $name', (backend) => {
  const api = useTestServer(backend, {
    server: { auth: { enabled: true, adminToken: ADMIN_TOKEN, defaultRole: null } },
  });
  const t = { ana: '', bo: '', carl: '', dora: '' };
  const ids = { experiment: '', run: '', run2: '', deletedRun: '' };
  const call = <T = Record<string, unknown>>(token: string, method: string, path: string, body?: unknown) =>
    callAs<T>(api.url, token, method, path, body);
  const inbox = async (token: string) => (await call<InboxJson>(token, 'GET', '/api/v1/notifications')).body;
  const mlflow = (path: string, body: unknown) => ok(call(ADMIN_TOKEN, 'POST', `/api/2.0/mlflow${path}`, body));

  beforeAll(async () => {
    for (const name of ['ana', 'bo', 'carl', 'dora'] as const) t[name] = await userWithToken(api.url, name);
    const { experiment_id } = await mlflow('/experiments/create', { name: 'churn' });
    ids.experiment = experiment_id as string;
    const runWith = async (auc: number) => {
      const { run } = (await mlflow('/runs/create', { experiment_id })) as { run: { info: { run_id: string } } };
      await mlflow('/runs/log-batch', {
        run_id: run.info.run_id,
        metrics: [
          { key: 'val_auc', value: auc / 2, timestamp: 1, step: 0 },
          { key: 'val_auc', value: auc, timestamp: 2, step: 1 },
        ],
      });
      return run.info.run_id;
    };
    ids.run = await runWith(0.85);
    ids.run2 = await runWith(0.8);
    ids.deletedRun = await runWith(0.99);
    await mlflow('/runs/delete', { run_id: ids.deletedRun });
    await mlflow('/registered-models/create', { name: 'churn-model' });
    await mlflow('/model-versions/create', {
      name: 'churn-model',
      source: `mlflow-artifacts:/${ids.experiment}/${ids.run}/artifacts/model`,
      run_id: ids.run,
    });
    await ok(call(ADMIN_TOKEN, 'POST', '/api/v1/lineage/datasets', { namespace: 'lake', name: 'orders' }));
    await grant(api.url, { role: 'editor', user: 'ana', experiment: ids.experiment });
    await grant(api.url, { role: 'reader', user: 'bo', experiment: ids.experiment });
    await grant(api.url, { role: 'reader', user: 'bo', model: 'churn-model' });
    await grant(api.url, { role: 'reader', user: 'dora', model: 'churn-model' });
  });

  it('notifies mentioned readers only, outside code and e-mail addresses, and shows the comment to readers', async () => {
    const body = 'Looks good @bo, cc @carl — not `@dora` nor ana@example.com, and @nobody';
    const created = await call<{ comment: CommentJson }>(t.ana, 'POST', `/api/v1/runs/${ids.run}/comments`, { body });
    expect(created.status).toBe(201);
    expect(created.body.comment).toMatchObject({ author: 'ana', body, entity: { kind: 'run', id: ids.run } });

    const bo = await inbox(t.bo);
    expect(bo.unreadCount).toBe(1);
    expect(bo.notifications[0]).toMatchObject({
      kind: 'mentioned',
      subject: expect.stringContaining('ana mentioned you on run'),
      link: `/experiments/${ids.experiment}/runs/${ids.run}`,
      resource: { kind: 'run' },
    });
    // carl cannot read the run: the mention tells him nothing, not even that it exists.
    expect((await inbox(t.carl)).notifications).toEqual([]);
    expect((await inbox(t.dora)).notifications).toEqual([]);

    const listed = await call<{ comments: CommentJson[] }>(t.bo, 'GET', `/api/v1/runs/${ids.run}/comments`);
    expect(listed.status).toBe(200);
    expect(listed.body.comments.map((c) => c.body)).toEqual([body]);
    expect((await call(t.carl, 'GET', `/api/v1/runs/${ids.run}/comments`)).status).toBe(403);
    expect((await call(t.carl, 'POST', `/api/v1/runs/${ids.run}/comments`, { body: 'hi' })).status).toBe(403);

    const audit = await call<{ events: { action: string; entityId: string }[] }>(
      ADMIN_TOKEN,
      'GET',
      '/api/v1/audit/events?entityKind=comment',
    );
    expect(audit.body.events).toContainEqual(
      expect.objectContaining({ action: 'comment.create', entityId: created.body.comment.id }),
    );
  });

  it('refuses bad comments with a 4xx error and stores nothing', async () => {
    const path = `/api/v1/runs/${ids.run2}/comments`;
    for (const body of [
      { body: '' },
      { body: ' \n ' },
      { body: 'x'.repeat(10_001) },
      {},
      { body: 'a', extra: 1 },
      { body: 5 },
    ]) {
      const reply = await call<{ error_code: string; message: string }>(t.ana, 'POST', path, body);
      expect(reply.status, JSON.stringify(body).slice(0, 50)).toBe(400);
      expect(reply.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(typeof reply.body.message).toBe('string');
    }
    expect((await call<{ comments: unknown[] }>(t.ana, 'GET', path)).body.comments).toEqual([]);
    const missing = await call<{ error_code: string }>(ADMIN_TOKEN, 'POST', '/api/v1/runs/nope/comments', {
      body: 'x',
    });
    expect(missing.status).toBe(404);
    const missingVersion = await call(ADMIN_TOKEN, 'GET', '/api/v1/registered-models/churn-model/versions/9/comments');
    expect(missingVersion.status).toBe(404);
    expect((await call(t.ana, 'GET', `${path}?maxResults=0`)).status).toBe(400);
  });

  it('lets only the author edit, the author or a manager delete, and hides comments from non-readers', async () => {
    const { comment } = await ok(
      call<{ comment: CommentJson }>(t.ana, 'POST', `/api/v1/runs/${ids.run2}/comments`, { body: 'first draft' }),
    );
    const before = (await inbox(t.bo)).unreadCount;
    expect((await call(t.bo, 'PATCH', `/api/v1/comments/${comment.id}`, { body: 'mine now' })).status).toBe(403);
    expect((await call(t.carl, 'PATCH', `/api/v1/comments/${comment.id}`, { body: 'x' })).status).toBe(404);
    expect((await call(t.carl, 'DELETE', `/api/v1/comments/${comment.id}`)).status).toBe(404);
    expect((await call(t.ana, 'PATCH', `/api/v1/comments/${comment.id}`, { body: '' })).status).toBe(400);

    const edited = await call<{ comment: CommentJson }>(t.ana, 'PATCH', `/api/v1/comments/${comment.id}`, {
      body: 'final, @bo',
    });
    expect(edited.status).toBe(200);
    expect(edited.body.comment.body).toBe('final, @bo');
    expect((await inbox(t.bo)).unreadCount).toBe(before + 1);
    // Mentioned again by a later edit: told once only.
    await ok(call(t.ana, 'PATCH', `/api/v1/comments/${comment.id}`, { body: 'final, @bo!' }));
    expect((await inbox(t.bo)).unreadCount).toBe(before + 1);

    expect((await call(t.bo, 'DELETE', `/api/v1/comments/${comment.id}`)).status).toBe(403);
    expect((await call(ADMIN_TOKEN, 'DELETE', `/api/v1/comments/${comment.id}`)).status).toBe(200);
    expect((await call(ADMIN_TOKEN, 'DELETE', `/api/v1/comments/${comment.id}`)).status).toBe(404);
    expect(
      (await call<{ comments: unknown[] }>(t.ana, 'GET', `/api/v1/runs/${ids.run2}/comments`)).body.comments,
    ).toEqual([]);
  });

  it('comments on model versions and datasets, mentioning only those who may read them', async () => {
    const versionPath = '/api/v1/registered-models/churn-model/versions/1/comments';
    // ana edits the experiment but cannot read the model: she may not comment, nor hear of the version.
    expect((await call(t.ana, 'POST', versionPath, { body: 'x' })).status).toBe(403);
    const anaBefore = (await inbox(t.ana)).unreadCount;
    await ok(call(t.bo, 'POST', versionPath, { body: 'ready for staging? @ana @dora' }));
    expect((await inbox(t.ana)).unreadCount).toBe(anaBefore);
    const dora = await inbox(t.dora);
    expect(dora.notifications[0]).toMatchObject({
      kind: 'mentioned',
      link: '/models/churn-model/versions/1',
      resource: { kind: 'model', name: 'churn-model', version: 1 },
    });
    const listed = await call<{ comments: CommentJson[] }>(t.dora, 'GET', versionPath);
    expect(listed.body.comments.map((c) => c.author)).toEqual(['bo']);

    const datasetPath = '/api/v1/lineage/dataset-comments?dataset=lake:orders';
    const onDataset = await call<{ comment: CommentJson }>(t.carl, 'POST', datasetPath, {
      body: 'schema changed? @dora',
    });
    expect(onDataset.status).toBe(201);
    expect(onDataset.body.comment.entity.kind).toBe('dataset');
    expect((await call<{ comments: CommentJson[] }>(t.dora, 'GET', datasetPath)).body.comments).toHaveLength(1);
    // Any signed-in user reads an unrestricted dataset, so dora is told, with a link to the dataset's page.
    expect((await inbox(t.dora)).notifications[0]).toMatchObject({
      kind: 'mentioned',
      link: '/datasets/lake%3Aorders',
      resource: { kind: 'dataset', name: 'lake:orders' },
    });
    expect((await call(t.carl, 'GET', '/api/v1/lineage/dataset-comments?dataset=lake:nothing')).status).toBe(404);
    expect((await call(t.carl, 'GET', '/api/v1/lineage/dataset-comments')).status).toBe(400);
  });

  it('sets milestones with progress from the best live run, and refuses bad ones', async () => {
    const path = `/api/v1/experiments/${ids.experiment}/milestones`;
    const future = Date.now() + 30 * DAY;
    const set = (token: string, body: Record<string, unknown>) =>
      call<{ milestone: MilestoneJson }>(token, 'POST', path, body);
    const auc = await set(t.ana, { name: 'AUC', metricKey: 'val_auc', comparator: '>=', target: 0.9, dueTime: future });
    expect(auc.status).toBe(201);
    // The deleted run's 0.99 does not count; each run counts with its latest value, not its first.
    expect(auc.body.milestone.progress).toMatchObject({
      best: 0.85,
      bestRunId: ids.run,
      runsConsidered: 2,
      status: 'on_track',
    });
    expect(auc.body.milestone.progress.fraction).toBeCloseTo(0.5, 6);
    const met = await set(t.ana, {
      name: 'baseline',
      metricKey: 'val_auc',
      comparator: '>=',
      target: 0.85,
      dueTime: 1,
    });
    expect(met.body.milestone.progress.status).toBe('met');
    const late = await set(t.ana, {
      name: 'stretch',
      metricKey: 'val_auc',
      comparator: '>=',
      target: 0.95,
      dueTime: 2,
    });
    expect(late.body.milestone.progress.status).toBe('overdue');

    for (const bad of [
      { name: 'x', metricKey: 'val_auc', comparator: '>', target: 1, dueTime: future },
      { name: '', metricKey: 'val_auc', comparator: '>=', target: 1, dueTime: future },
      { name: 'x', metricKey: 'val_auc', comparator: '>=', target: 'high', dueTime: future },
      { name: 'x', metricKey: 'val_auc', comparator: '>=', target: 1 },
      { name: 'x', metricKey: 'val_auc', comparator: '>=', target: 1, dueTime: -1 },
    ]) {
      const reply = await set(t.ana, bad);
      expect(reply.status, JSON.stringify(bad)).toBe(400);
      expect((reply.body as unknown as { error_code: string }).error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    expect((await set(t.bo, { name: 'x', metricKey: 'k', comparator: '>=', target: 1, dueTime: future })).status).toBe(
      403,
    );
    const missing = await call(ADMIN_TOKEN, 'POST', '/api/v1/experiments/404404/milestones', {
      name: 'x',
      metricKey: 'k',
      comparator: '>=',
      target: 1,
      dueTime: future,
    });
    expect(missing.status).toBe(404);

    const listed = await call<{ milestones: MilestoneJson[] }>(t.bo, 'GET', path);
    expect(listed.body.milestones.map((m) => [m.name, m.progress.status])).toEqual([
      ['baseline', 'met'],
      ['stretch', 'overdue'],
      ['AUC', 'on_track'],
    ]);
    expect((await call(t.carl, 'GET', path)).status).toBe(403);
    expect((await call(t.bo, 'DELETE', `${path}/${late.body.milestone.id}`)).status).toBe(403);
    expect((await call(t.ana, 'DELETE', `${path}/${late.body.milestone.id}`)).status).toBe(200);
    expect((await call(t.ana, 'DELETE', `${path}/${late.body.milestone.id}`)).status).toBe(404);
    expect((await call<{ milestones: unknown[] }>(t.bo, 'GET', path)).body.milestones).toHaveLength(2);
  });

  it("shows a model milestone's progress only from runs its reader may read", async () => {
    const path = '/api/v1/registered-models/churn-model/milestones';
    await ok(
      call(ADMIN_TOKEN, 'POST', path, {
        name: 'ship',
        metricKey: 'val_auc',
        comparator: '>=',
        target: 0.9,
        dueTime: Date.now() + DAY,
      }),
    );
    const bo = await call<{ milestones: MilestoneJson[] }>(t.bo, 'GET', path);
    expect(bo.body.milestones[0]!.progress).toMatchObject({ best: 0.85, bestRunId: ids.run, runsConsidered: 1 });
    // dora reads the model but not the experiment its version's run belongs to.
    const dora = await call<{ milestones: MilestoneJson[] }>(t.dora, 'GET', path);
    expect(dora.body.milestones[0]!.progress).toMatchObject({ best: null, bestRunId: null, runsConsidered: 0 });
    expect(
      (await call(t.dora, 'POST', path, { name: 'x', metricKey: 'k', comparator: '<=', target: 1, dueTime: 5 })).status,
    ).toBe(403);
    expect((await call(ADMIN_TOKEN, 'GET', '/api/v1/registered-models/nothing/milestones')).status).toBe(404);
  });

  it('leaves a log that verifies, and shows a comment body or milestone target changed behind the server', async () => {
    const verify = async () => {
      const result = await auditVerify({ backendStoreUri: api.backendUri, json: true });
      return { code: result.code, report: JSON.parse(result.stdout) as VerificationReport };
    };
    const clean = await verify();
    expect(clean.report.problems).toEqual([]);
    expect(clean.code).toBe(0);

    const db = api.server.store.db;
    const comment = await db.selectFrom('comments').selectAll().orderBy('comment_id').executeTakeFirstOrThrow();
    const milestone = await db.selectFrom('milestones').selectAll().orderBy('milestone_id').executeTakeFirstOrThrow();
    await db.updateTable('comments').set({ body: 'rewritten' }).where('comment_id', '=', comment.comment_id).execute();
    await db
      .updateTable('milestones')
      .set({ target: 0.5 })
      .where('milestone_id', '=', milestone.milestone_id)
      .execute();
    try {
      const tampered = await verify();
      expect(tampered.code).toBe(1);
      const messages = tampered.report.problems.map((p) => p.message).join('\n');
      expect(messages).toContain(`comment ${comment.comment_id}`);
      expect(messages).toContain(`milestone '${milestone.name}'`);
    } finally {
      await db
        .updateTable('comments')
        .set({ body: comment.body })
        .where('comment_id', '=', comment.comment_id)
        .execute();
      await db
        .updateTable('milestones')
        .set({ target: milestone.target })
        .where('milestone_id', '=', milestone.milestone_id)
        .execute();
    }
    expect((await verify()).report.problems).toEqual([]);
  });
  it("deletes a model's version comments and milestones with it, each audited, and the log still verifies", async () => {
    await mlflow('/registered-models/create', { name: 'short-lived' });
    await mlflow('/model-versions/create', { name: 'short-lived', source: `runs:/${ids.run}/model`, run_id: ids.run });
    await mlflow('/registered-models/create', { name: 'staying' });
    await mlflow('/model-versions/create', { name: 'staying', source: `runs:/${ids.run}/model`, run_id: ids.run });
    const comment = async (model: string) =>
      (
        await ok(
          call<{ comment: CommentJson }>(
            ADMIN_TOKEN,
            'POST',
            `/api/v1/registered-models/${model}/versions/1/comments`,
            {
              body: `about ${model}`,
            },
          ),
        )
      ).comment.id;
    const milestone = async (model: string) =>
      (
        await ok(
          call<{ milestone: MilestoneJson }>(ADMIN_TOKEN, 'POST', `/api/v1/registered-models/${model}/milestones`, {
            name: `${model} ships`,
            metricKey: 'val_auc',
            comparator: '>=',
            target: 0.9,
            dueTime: Date.now() + DAY,
          }),
        )
      ).milestone.id;
    const gone = { comment: await comment('short-lived'), milestone: await milestone('short-lived') };
    const kept = { comment: await comment('staying'), milestone: await milestone('staying') };

    await ok(call(ADMIN_TOKEN, 'DELETE', '/api/2.0/mlflow/registered-models/delete', { name: 'short-lived' }));

    const db = api.server.store.db;
    const commentIds = (await db.selectFrom('comments').select('comment_id').execute()).map((r) => r.comment_id);
    expect(commentIds).toContain(kept.comment);
    expect(commentIds).not.toContain(gone.comment);
    const milestoneIds = (await db.selectFrom('milestones').select('milestone_id').execute()).map(
      (r) => r.milestone_id,
    );
    expect(milestoneIds).toContain(kept.milestone);
    expect(milestoneIds).not.toContain(gone.milestone);
    const events = await db
      .selectFrom('audit_events')
      .select(['action', 'entity_id'])
      .where('entity_id', 'in', [gone.comment, gone.milestone, kept.comment, kept.milestone])
      .where('action', 'in', ['comment.delete', 'milestone.delete'])
      .orderBy('action')
      .execute();
    expect(events).toEqual([
      { action: 'comment.delete', entity_id: gone.comment },
      { action: 'milestone.delete', entity_id: gone.milestone },
    ]);
    // A new model of the same name starts with no comments or milestones.
    await mlflow('/registered-models/create', { name: 'short-lived' });
    await mlflow('/model-versions/create', { name: 'short-lived', source: `runs:/${ids.run}/model`, run_id: ids.run });
    const again = await call<{ comments: CommentJson[] }>(
      ADMIN_TOKEN,
      'GET',
      '/api/v1/registered-models/short-lived/versions/1/comments',
    );
    expect(again.body.comments).toEqual([]);
    const verified = await auditVerify({ backendStoreUri: api.backendUri, json: true });
    expect((JSON.parse(verified.stdout) as VerificationReport).problems).toEqual([]);
  });
});
