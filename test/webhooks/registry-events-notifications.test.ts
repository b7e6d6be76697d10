import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, callAs, grant, ok, tokenFor } from '../access/access-fixture.js';
import { WebhookReceiver } from '../mlflow/support/webhook-receiver.js';
import { backends } from '../support/backends.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { useTestServer } from '../support/test-server.js';
import { createHook, M, modelWithVersion } from './support.js';

const V = '/api/v1';

describe.each(backends)("Mnemo's registry events, notifications and e-mail on $name", (backend) => {
  const sink = new SmtpSink();
  const receiver = new WebhookReceiver();
  beforeAll(async () => {
    await sink.start();
    await receiver.start();
  });
  const api = useTestServer(backend, {
    server: {
      auth: { enabled: true, adminToken: ADMIN_TOKEN },
      // What is tested here is what follows a move to Production, not the approval it would otherwise need.
      protection: { stages: [] },
      webhookDelivery: { allowPrivateAddresses: true, pollMs: 100 },
      emailDelivery: { pollMs: 100, backoffMs: 50 },
      publicUrl: 'https://mnemo.example.test/ml/',
      // Read when the server starts, after the sink is listening.
      get smtp() {
        return { url: sink.url, from: 'mnemo@example.test' };
      },
    },
  });
  const admin = (method: string, path: string, body?: unknown) => callAs(api.url, ADMIN_TOKEN, method, path, body);
  afterAll(async () => {
    await receiver.stop();
    await sink.stop();
  });
  afterEach(async () => {
    await api.server.services.webhooks.dispatcher.settled();
    receiver.reset();
  });

  it('announces stage changes and finished runs with their payloads', async () => {
    const id = await createHook(api.url, ADMIN_TOKEN, {
      url: receiver.url,
      events: [
        { entity: 'MODEL_VERSION', action: 'STAGE_CHANGED' },
        { entity: 'RUN', action: 'FINISHED' },
      ],
    });
    const { experimentId, runId } = await modelWithVersion(api.url, 'staged');
    await ok(admin('POST', `${M}/model-versions/transition-stage`, { name: 'staged', version: '1', stage: 'Staging' }));
    await ok(admin('POST', `${M}/runs/update`, { run_id: runId, status: 'FINISHED', end_time: 1_700_000_100_000 }));
    // Finishing an already finished run is no second finish.
    await ok(admin('POST', `${M}/runs/update`, { run_id: runId, status: 'FINISHED' }));
    await receiver.waitFor(2);
    await api.server.services.webhooks.dispatcher.settled();
    const byEntity = Object.fromEntries(
      receiver.received.map((d) => [`${d.json.entity}.${d.json.action}`, d.json.data]),
    );
    expect(Object.keys(byEntity).sort()).toEqual(['model_version.stage_changed', 'run.finished']);
    expect(byEntity['model_version.stage_changed']).toEqual({
      name: 'staged',
      version: '1',
      from_stage: 'None',
      to_stage: 'Staging',
      changed_by: 'admin',
      reason: null,
    });
    expect(byEntity['run.finished']).toMatchObject({
      run_id: runId,
      experiment_id: experimentId,
      status: 'FINISHED',
      start_time: 1_700_000_000_000,
      end_time: 1_700_000_100_000,
    });
    await ok(admin('DELETE', `${M}/webhooks/${id}`));
  });

  it('flags a version in use whose check failed: an event, an inbox entry for its managers, and an e-mail', async () => {
    await ok(admin('POST', `${V}/users`, { name: 'mona', email: 'mona@example.test' }));
    await ok(admin('POST', `${V}/users`, { name: 'nina', email: 'nina@example.test' }));
    const mona = await tokenFor(api.url, 'mona');
    const nina = await tokenFor(api.url, 'nina');
    const id = await createHook(api.url, ADMIN_TOKEN, {
      url: receiver.url,
      events: [{ entity: 'MODEL_VERSION', action: 'NEEDS_REVALIDATION' }],
    });
    await modelWithVersion(api.url, 'guarded');
    await grant(api.url, { role: 'manager', user: 'mona', model: 'guarded' });
    await ok(
      admin('POST', `${M}/model-versions/transition-stage`, { name: 'guarded', version: '1', stage: 'Production' }),
    );
    const checks = (passed: boolean) =>
      admin('POST', `${V}/registered-models/guarded/versions/1/checks`, {
        checks: [{ kind: 'drift', name: 'psi', passed, value: 0.4, threshold: 0.2, slice: 'country=DE' }],
      });
    await ok(checks(true));
    await ok(checks(false));

    const [event] = await receiver.waitFor(1);
    expect(event!.json).toMatchObject({
      entity: 'model_version',
      action: 'needs_revalidation',
      data: {
        name: 'guarded',
        version: '1',
        stage: 'Production',
        reasons: ['drift check psi on country=DE failed (0.4 vs 0.2)'],
      },
    });

    const inbox = await ok(
      callAs<{ notifications: { id: string; kind: string; subject: string; link: string }[]; unreadCount: number }>(
        api.url,
        mona,
        'GET',
        `${V}/notifications`,
      ),
    );
    expect(inbox.unreadCount).toBe(1);
    expect(inbox.notifications).toMatchObject([
      {
        kind: 'needs_revalidation',
        subject: 'guarded version 1 (Production) needs revalidation',
        link: '/models/guarded/versions/1',
      },
    ]);
    // Nobody else was told, and nobody reads another's inbox.
    expect(
      (await ok(callAs<{ unreadCount: number }>(api.url, nina, 'GET', `${V}/notifications/unread-count`))).unreadCount,
    ).toBe(0);

    const [mail] = await sink.waitFor(1);
    expect(mail!.to).toEqual(['mona@example.test']);
    expect(mail!.from).toBe('mnemo@example.test');
    expect(mail!.raw).toMatch(/^Subject: guarded version 1 \(Production\) needs revalidation/m);
    expect(mail!.raw).toContain('drift check psi on country=DE failed');
    // The e-mail links to the version on the server's public address, not on the address it listens at.
    expect(mail!.raw).toContain('https://mnemo.example.test/ml/models/guarded/versions/1');
    expect(mail!.raw).not.toContain(api.url);

    const marked = await ok(
      callAs<{ marked: number; unreadCount: number }>(api.url, mona, 'POST', `${V}/notifications/mark-read`, {
        ids: [inbox.notifications[0]!.id],
      }),
    );
    expect(marked).toEqual({ marked: 1, unreadCount: 0 });
    const after = await ok(
      callAs<{ notifications: { readAt: number | null }[] }>(api.url, mona, 'GET', `${V}/notifications`),
    );
    expect(after.notifications[0]!.readAt).toEqual(expect.any(Number));
    const unreadOnly = await ok(
      callAs<{ notifications: unknown[] }>(api.url, mona, 'GET', `${V}/notifications?unread=true`),
    );
    expect(unreadOnly.notifications).toEqual([]);
    expect((await callAs(api.url, mona, 'POST', `${V}/notifications/mark-read`, {})).status).toBe(400);
    // The e-mail was sent once and is recorded as sent.
    await expect
      .poll(async () =>
        (await api.server.store.db.selectFrom('email_outbox').select('status').execute()).map((r) => r.status),
      )
      .toEqual(['SENT']);
    expect(sink.received).toHaveLength(1);
    await ok(admin('DELETE', `${M}/webhooks/${id}`));
  });
});
