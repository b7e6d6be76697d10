import { createHmac, timingSafeEqual } from 'node:crypto';
import { expect } from 'vitest';
import { ADMIN_TOKEN, callAs, ok } from '../access/access-fixture.js';
import type { ReceivedDelivery } from '../mlflow/support/webhook-receiver.js';

export const M = '/api/2.0/mlflow';

/**
 * A receiver's check, written here from MLflow's and the Standard Webhooks documentation (not from the server's
 * code): base64 HMAC-SHA256 of `<id>.<timestamp>.<raw body>` with the secret, after `v1,`; the Standard Webhooks
 * headers carry the same id, timestamp and signature as MLflow's.
 */
export function verifiedBothWays(delivery: ReceivedDelivery, secret: string): boolean {
  const h = delivery.headers;
  const id = h['x-mlflow-delivery-id'];
  const timestamp = h['x-mlflow-timestamp'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || !/^\d+$/.test(timestamp)) return false;
  if (h['webhook-id'] !== id || h['webhook-timestamp'] !== timestamp) return false;
  const expected = Buffer.from(
    `v1,${createHmac('sha256', secret).update(`${id}.${timestamp}.${delivery.body}`, 'utf8').digest('base64')}`,
  );
  return [h['x-mlflow-signature'], h['webhook-signature']].every(
    (given) =>
      typeof given === 'string' &&
      Buffer.byteLength(given) === expected.length &&
      timingSafeEqual(Buffer.from(given), expected),
  );
}

export interface DeliveryJson {
  delivery_id: string;
  event: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  attempt_log: { attempt: number; status_code: number | null; error: string | null }[];
}

export async function deliveriesOf(url: string, token: string, webhookId: string): Promise<DeliveryJson[]> {
  const reply = await ok(
    callAs<{ deliveries: DeliveryJson[] }>(url, token, 'GET', `${M}/webhooks/${webhookId}/deliveries`),
  );
  return reply.deliveries;
}

export async function createHook(url: string, token: string, body: Record<string, unknown>): Promise<string> {
  const reply = await callAs<{ webhook: { webhook_id: string } }>(url, token, 'POST', `${M}/webhooks`, {
    name: 'hook',
    ...body,
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.webhook.webhook_id;
}

/** A registered model with version 1 made from a run's uploaded files, as the admin. */
export async function modelWithVersion(url: string, name: string): Promise<{ experimentId: string; runId: string }> {
  const experiment = await ok(
    callAs<{ experiment_id: string }>(url, ADMIN_TOKEN, 'POST', `${M}/experiments/create`, { name: `exp-${name}` }),
  );
  const run = await ok(
    callAs<{ run: { info: { run_id: string } } }>(url, ADMIN_TOKEN, 'POST', `${M}/runs/create`, {
      experiment_id: experiment.experiment_id,
      start_time: 1_700_000_000_000,
    }),
  );
  const runId = run.run.info.run_id;
  const upload = await fetch(
    `${url}/api/2.0/mlflow-artifacts/artifacts/${experiment.experiment_id}/${runId}/artifacts/model/MLmodel`,
    { method: 'PUT', body: 'flavors: {}', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } },
  );
  expect(upload.status).toBe(200);
  await ok(callAs(url, ADMIN_TOKEN, 'POST', `${M}/registered-models/create`, { name }));
  await ok(
    callAs(url, ADMIN_TOKEN, 'POST', `${M}/model-versions/create`, {
      name,
      source: `runs:/${runId}/model`,
      run_id: runId,
    }),
  );
  return { experimentId: experiment.experiment_id, runId };
}
