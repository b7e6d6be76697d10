import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from '../access/access-fixture.js';
import { WebhookReceiver } from '../mlflow/support/webhook-receiver.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { createHook, modelWithVersion } from './support.js';

const V = '/api/v1';

/** A protected move becomes a request, and its creation and decision reach webhooks as Mnemo's own events. */
describe.each(backends)('transition request events on $name', (backend) => {
  const receiver = new WebhookReceiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());
  const api = useTestServer(backend, {
    server: {
      auth: { enabled: true, adminToken: ADMIN_TOKEN },
      webhookDelivery: { allowPrivateAddresses: true, pollMs: 100 },
    },
  });

  it('announces a request when it is made and when it is approved, then the stage change', async () => {
    await createHook(api.url, ADMIN_TOKEN, {
      url: receiver.url,
      events: [
        { entity: 'TRANSITION_REQUEST', action: 'CREATED' },
        { entity: 'TRANSITION_REQUEST', action: 'APPROVED' },
        { entity: 'TRANSITION_REQUEST', action: 'REJECTED' },
        { entity: 'MODEL_VERSION', action: 'STAGE_CHANGED' },
      ],
    });
    await modelWithVersion(api.url, 'guarded');
    const rita = await userWithToken(api.url, 'rita');
    const mona = await userWithToken(api.url, 'mona');
    await grant(api.url, { role: 'editor', user: 'rita', model: 'guarded' });
    await grant(api.url, { role: 'manager', user: 'mona', model: 'guarded' });

    const made = await ok(
      callAs<{ transitionRequest: { id: string; status: string } }>(
        api.url,
        rita,
        'POST',
        `${V}/registered-models/guarded/transition-requests`,
        { version: 1, stage: 'Production', reason: 'beats v0' },
      ),
    );
    const requestId = made.transitionRequest.id;
    expect(made.transitionRequest.status).toBe('pending');
    await ok(callAs(api.url, mona, 'POST', `${V}/transition-requests/${requestId}/approve`, { comment: 'ok' }));
    await receiver.waitFor(3);
    await api.server.services.webhooks.dispatcher.settled();
    const events = receiver.received.map((d) => ({ kind: `${d.json.entity}.${d.json.action}`, data: d.json.data }));
    expect(events.map((e) => e.kind).sort()).toEqual([
      'model_version.stage_changed',
      'transition_request.approved',
      'transition_request.created',
    ]);
    const byKind = Object.fromEntries(events.map((e) => [e.kind, e.data]));
    expect(byKind['transition_request.created']).toMatchObject({
      request_id: requestId,
      name: 'guarded',
      version: '1',
      requested_by: 'rita',
      reason: 'beats v0',
    });
    expect(byKind['transition_request.approved']).toMatchObject({
      request_id: requestId,
      requested_by: 'rita',
      decided_by: 'mona',
    });
    expect(byKind['model_version.stage_changed']).toMatchObject({ name: 'guarded', to_stage: 'Production' });
  });
});
