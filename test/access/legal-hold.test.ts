import { beforeAll, describe, expect, it } from 'vitest';
import { LEGAL_HOLD_TAG } from '../../src/domain/retention/legal-hold.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from './access-fixture.js';

/**
 * A legal hold shields what carries it from garbage collection, so only an administrator may place or lift one:
 * a manager of an experiment or model may edit every other tag of it, by every route that writes tags.
 */
describe.each(backends)('who may place a legal hold on $name', (backend) => {
  const api = useTestServer(backend, { server: { auth: { enabled: true, adminToken: ADMIN_TOKEN } } });
  let mia = '';
  const ids = { experiment: '', run: '' };
  const mlflow = (token: string, method: string, path: string, body?: unknown) =>
    callAs(api.url, token, method, `/api/2.0/mlflow${path}`, body);
  const native = (token: string, method: string, path: string, body?: unknown) =>
    callAs(api.url, token, method, `/api/v1${path}`, body);

  beforeAll(async () => {
    mia = await userWithToken(api.url, 'mia');
    ids.experiment = (await ok(mlflow(ADMIN_TOKEN, 'POST', '/experiments/create', { name: 'held' })))
      .experiment_id as string;
    await ok(mlflow(ADMIN_TOKEN, 'POST', '/registered-models/create', { name: 'held-model' }));
    await grant(api.url, { role: 'manager', user: 'mia', experiment: ids.experiment });
    await grant(api.url, { role: 'manager', user: 'mia', model: 'held-model' });
    const created = await ok(mlflow(mia, 'POST', '/runs/create', { experiment_id: ids.experiment }));
    ids.run = (created as { run: { info: { run_id: string } } }).run.info.run_id;
  });

  /** Every way a manager could write the tag, as [description, request]. */
  const attempts = () =>
    [
      [
        'MLflow runs/set-tag',
        () => mlflow(mia, 'POST', '/runs/set-tag', { run_id: ids.run, key: LEGAL_HOLD_TAG, value: 'x' }),
      ],
      [
        'MLflow runs/log-batch',
        () => mlflow(mia, 'POST', '/runs/log-batch', { run_id: ids.run, tags: [{ key: LEGAL_HOLD_TAG, value: 'x' }] }),
      ],
      [
        'MLflow runs/create',
        () =>
          mlflow(mia, 'POST', '/runs/create', {
            experiment_id: ids.experiment,
            tags: [{ key: LEGAL_HOLD_TAG, value: 'x' }],
          }),
      ],
      [
        'MLflow set-experiment-tag',
        () =>
          mlflow(mia, 'POST', '/experiments/set-experiment-tag', {
            experiment_id: ids.experiment,
            key: LEGAL_HOLD_TAG,
            value: 'x',
          }),
      ],
      [
        'MLflow registered-models/set-tag',
        () =>
          mlflow(mia, 'POST', '/registered-models/set-tag', { name: 'held-model', key: LEGAL_HOLD_TAG, value: 'x' }),
      ],
      [
        'native experiment tags',
        () => native(mia, 'PUT', `/experiments/${ids.experiment}/tags`, { tags: { [LEGAL_HOLD_TAG]: 'x' } }),
      ],
    ] as const;

  it('refuses a manager every route that would place the hold, and changes nothing', async () => {
    for (const [route, attempt] of attempts()) {
      const reply = await attempt();
      expect(reply.status, route).toBe(403);
      expect(reply.body, route).toMatchObject({ error_code: 'PERMISSION_DENIED' });
      expect(String(reply.body.message), route).toMatch(
        /legal hold \(tag mnemo\.legal_hold\) needs an administrator: 'mia' is not an administrator/,
      );
    }
    const run = await ok(mlflow(mia, 'GET', `/runs/get?run_id=${ids.run}`));
    const tags = (run as { run: { data: { tags?: { key: string }[] } } }).run.data.tags ?? [];
    expect(tags.map((t) => t.key)).not.toContain(LEGAL_HOLD_TAG);
    const runs = await ok(mlflow(mia, 'POST', '/runs/search', { experiment_ids: [ids.experiment] }));
    expect((runs as { runs: unknown[] }).runs).toHaveLength(1);
  });

  it('lets the manager edit every other tag, and an administrator place and lift the hold', async () => {
    expect((await mlflow(mia, 'POST', '/runs/set-tag', { run_id: ids.run, key: 'team', value: 'risk' })).status).toBe(
      200,
    );
    expect(
      (
        await mlflow(mia, 'POST', '/runs/log-batch', {
          run_id: ids.run,
          tags: [{ key: 'note', value: `asked for ${LEGAL_HOLD_TAG}` }],
        })
      ).status,
    ).toBe(200);
    expect(
      (await mlflow(ADMIN_TOKEN, 'POST', '/runs/set-tag', { run_id: ids.run, key: LEGAL_HOLD_TAG, value: 'case 7' }))
        .status,
    ).toBe(200);
    // Lifting it is the administrator's too.
    const lift = await mlflow(mia, 'POST', '/runs/delete-tag', { run_id: ids.run, key: LEGAL_HOLD_TAG });
    expect(lift.status).toBe(403);
    expect((await native(mia, 'DELETE', `/runs/${ids.run}/tags/${LEGAL_HOLD_TAG}`)).status).toBe(403);
    expect(
      (await mlflow(ADMIN_TOKEN, 'POST', '/runs/delete-tag', { run_id: ids.run, key: LEGAL_HOLD_TAG })).status,
    ).toBe(200);
  });
});
