import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WireExperimentDashboard } from '../../src/sdk/wire/dashboard-shapes.js';
import { ADMIN_TOKEN, callAs, ok, userWithToken } from '../access/access-fixture.js';
import { WebhookReceiver } from '../mlflow/support/webhook-receiver.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { createHook, M } from './support.js';

const V = '/api/v1';
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 4, 4);
const NORMAL = [0.7, 0.71, 0.69, 0.7, 0.72, 0.7];
const PLANTED = 0.2;

/**
 * A run that finishes outside its experiment's recent distribution is announced as RUN.ANOMALY_FLAGGED through the
 * webhook outbox, with the numbers behind the flag, to a real receiver on loopback; a subscriber whose owner may not
 * read the experiment never hears of it.
 */
describe.each(backends)('anomaly flags sent by webhook on $name', (backend) => {
  const api = useTestServer(backend, {
    server: {
      auth: { enabled: true, adminToken: ADMIN_TOKEN },
      webhookDelivery: { allowPrivateAddresses: true, pollMs: 100 },
    },
  });
  const everything = new WebhookReceiver();
  const watched = new WebhookReceiver();
  const settled = () => api.server.services.webhooks.dispatcher.settled();
  const admin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    ok(callAs<T>(api.url, ADMIN_TOKEN, method, path, body));

  beforeAll(async () => {
    await everything.start();
    await watched.start();
  });
  afterAll(async () => {
    await everything.stop();
    await watched.stop();
  });
  afterEach(async () => {
    await settled();
    everything.reset();
    watched.reset();
  });

  async function experimentWithRuns(name: string, values: number[], restricted = false) {
    const { experiment } = await admin<{ experiment: { experimentId: string } }>('POST', `${V}/experiments`, { name });
    if (restricted) await admin('PUT', `${V}/restrictions`, { experiment: experiment.experimentId, restricted: true });
    const seeded = { experimentId: experiment.experimentId, runIds: [] as string[] };
    await addRuns(name, seeded, values);
    return seeded;
  }

  async function addRuns(name: string, into: { experimentId: string; runIds: string[] }, values: number[]) {
    for (const [i, value] of values.entries()) {
      const startTime = T0 + i * HOUR;
      const { run } = await admin<{ run: { runId: string } }>('POST', `${V}/runs`, {
        experimentId: into.experimentId,
        runName: `${name}-${i}`,
        startTime,
      });
      await admin('POST', `${V}/runs/${run.runId}/batch`, {
        metrics: [
          { key: 'accuracy', value, step: 0, timestamp: startTime + 1 },
          // A metric that never moves: never flagged.
          { key: 'epochs', value: 10, step: 0, timestamp: startTime + 1 },
        ],
      });
      await admin('PATCH', `${V}/runs/${run.runId}`, { status: 'FINISHED', endTime: startTime + 1000 });
      into.runIds.push(run.runId);
    }
  }

  it('announces the flagged run with its evidence, only to subscribers whose owner may read it', async () => {
    const watcher = await userWithToken(api.url, 'watcher');
    const events = [{ entity: 'RUN', action: 'ANOMALY_FLAGGED' }];
    const mine = await createHook(api.url, watcher, { url: watched.url, events });
    const all = await createHook(api.url, ADMIN_TOKEN, { url: everything.url, events });

    const open = await experimentWithRuns('anomaly-open', [...NORMAL, PLANTED, 0.7]);
    // Restricted before any of its runs: the watcher may never read it.
    const hidden = await experimentWithRuns('anomaly-hidden', [], true);
    await addRuns('anomaly-hidden', hidden, [...NORMAL, PLANTED]);

    await everything.waitFor(2);
    await settled();
    const flagged = everything.received.map((d) => [d.json.entity, d.json.action, d.json.data.run_id]);
    expect(flagged.sort()).toEqual(
      [
        ['run', 'anomaly_flagged', open.runIds[NORMAL.length]],
        ['run', 'anomaly_flagged', hidden.runIds[NORMAL.length]],
      ].sort(),
    );
    const plantedRun = open.runIds[NORMAL.length]!;
    const data = everything.received.find((d) => d.json.data.run_id === plantedRun)!.json.data;
    expect(data).toMatchObject({
      experiment_id: open.experimentId,
      run_name: `anomaly-open-${NORMAL.length}`,
      start_time: T0 + NORMAL.length * HOUR,
    });
    expect(data.flags).toHaveLength(1);
    const flag = (data.flags as { mad: number; z: number; window_run_ids: string[] }[])[0]!;
    expect(flag).toMatchObject({ metric: 'accuracy', value: PLANTED, median: 0.7, threshold: 3.5, basis: 'mad' });
    expect(flag.mad).toBeCloseTo(0.005, 10);
    expect(flag.z).toBeCloseTo((0.6745 * (PLANTED - 0.7)) / 0.005, 6);
    expect(flag.window_run_ids).toEqual(open.runIds.slice(0, NORMAL.length));

    // The dashboard shows the same flag with the same evidence.
    const dashboard = await admin<WireExperimentDashboard>('GET', `${V}/experiments/${open.experimentId}/dashboard`);
    const shown = dashboard.anomalies.filter((a) => a.metric === 'accuracy').map((a) => [a.runId, a.windowRunIds]);
    expect(shown).toContainEqual([plantedRun, flag.window_run_ids]);

    // The watcher heard of the open experiment's flag only.
    await watched.waitFor(1);
    expect(watched.received.map((d) => d.json.data.run_id)).toEqual([plantedRun]);
    await ok(callAs(api.url, watcher, 'DELETE', `${M}/webhooks/${mine}`));
    await admin('DELETE', `${M}/webhooks/${all}`);
  });

  it('announces no flag for an ordinary run, or a run with too short a history', async () => {
    const hook = await createHook(api.url, ADMIN_TOKEN, {
      url: everything.url,
      events: [
        { entity: 'RUN', action: 'ANOMALY_FLAGGED' },
        { entity: 'RUN', action: 'FINISHED' },
      ],
    });
    // Four earlier runs: too few to judge the wild fifth.
    await experimentWithRuns('anomaly-young', [0.5, 0.5, 0.51, 0.49, 9]);
    await experimentWithRuns('anomaly-calm', [...NORMAL, 0.705]);
    await everything.waitFor(12);
    await settled();
    expect(new Set(everything.received.map((d) => `${d.json.entity}.${d.json.action}`))).toEqual(
      new Set(['run.finished']),
    );
    await admin('DELETE', `${M}/webhooks/${hook}`);
  });
});
