import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { verifyAuditTrail } from '../../src/services/provenance/verify/audit-verifier.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

const M = '/api/2.0/mlflow';

interface Answer {
  status: number;
  replayed: string | null;
  retryAfter: string | null;
  body: { run?: { info: { run_id: string } }; error_code?: string; message?: string };
}

async function post(base: string, path: string, body: unknown, key?: string): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    replayed: response.headers.get('idempotent-replayed'),
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Answer['body'],
  };
}

/** Every run of the experiment, counted by the database rather than by the API under test. */
async function runIds(server: RunningServer, experimentId: string): Promise<string[]> {
  const rows = await server.store.db
    .selectFrom('runs')
    .select('run_id')
    .where('experiment_id', '=', experimentId)
    .execute();
  return rows.map((r) => r.run_id).sort();
}

describe.each(backends)('Idempotency-Key across two replicas on $name', (backend) => {
  const api = useTestServer(backend);
  let second: RunningServer;
  let experimentId: string;

  beforeAll(async () => {
    second = await startServer({
      host: '127.0.0.1',
      port: 0,
      backendStoreUri: api.backendUri,
      artifactsDestination: api.artifactsDir,
    });
    const created = await post(api.url, `${M}/experiments/create`, { name: 'idempotent' });
    experimentId = (created.body as { experiment_id: string }).experiment_id;
  });
  afterAll(async () => {
    await second?.close();
  });

  it('applies a retried write once and answers the retry, on either replica, with the first answer', async () => {
    const body = { experiment_id: experimentId, run_name: 'once' };
    const first = await post(api.url, `${M}/runs/create`, body, 'create-once');
    expect(first.status).toBe(200);
    expect(first.replayed).toBeNull();
    const again = await post(api.url, `${M}/runs/create`, body, 'create-once');
    const elsewhere = await post(second.url, `${M}/runs/create`, body, 'create-once');
    for (const retry of [again, elsewhere]) {
      expect(retry.status).toBe(200);
      expect(retry.replayed).toBe('true');
      expect(retry.body).toEqual(first.body);
    }
    expect(await runIds(api.server, experimentId)).toEqual([first.body.run!.info.run_id]);

    // Without a key, the same request is a new write.
    expect((await post(api.url, `${M}/runs/create`, body)).status).toBe(200);
    expect(await runIds(api.server, experimentId)).toHaveLength(2);
  });

  it('refuses the same key with another request, and changes nothing', async () => {
    const before = await runIds(api.server, experimentId);
    const refused = await post(
      second.url,
      `${M}/runs/create`,
      { experiment_id: experimentId, run_name: 'other' },
      'create-once',
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error_code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(refused.body.message).toMatch(/different request/);
    const otherRoute = await post(api.url, `${M}/experiments/create`, { name: 'idempotent-2' }, 'create-once');
    expect(otherRoute.status).toBe(422);
    expect(await runIds(api.server, experimentId)).toEqual(before);
  });

  it('refuses a malformed key with a 400', async () => {
    const before = await runIds(api.server, experimentId);
    const refused = await post(api.url, `${M}/runs/create`, { experiment_id: experimentId }, 'x'.repeat(256));
    expect(refused.status).toBe(400);
    expect(refused.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(await runIds(api.server, experimentId)).toEqual(before);
  });

  it('applies a key sent to both replicas at once exactly once, and every retry gets that answer', async () => {
    const before = await runIds(api.server, experimentId);
    const KEYS = 8;
    const created = new Set<string>();
    await Promise.all(
      Array.from({ length: KEYS }, async (_, i) => {
        const key = `race-${i}`;
        const body = { experiment_id: experimentId, run_name: key };
        const answers = await Promise.all(
          [api.url, second.url].map((base) => post(base, `${M}/runs/create`, body, key)),
        );
        for (const answer of answers) {
          if (answer.status === 409) {
            expect(answer.body.error_code).toBe('IDEMPOTENCY_KEY_IN_USE');
            expect(answer.retryAfter).toBe('1');
          } else expect(answer.status).toBe(200);
        }
        let retried: Answer;
        do retried = await post(second.url, `${M}/runs/create`, body, key);
        while (retried.status === 409);
        expect(retried.status).toBe(200);
        for (const answer of answers.filter((a) => a.status === 200)) expect(answer.body).toEqual(retried.body);
        created.add(retried.body.run!.info.run_id);
      }),
    );
    expect(created.size).toBe(KEYS);
    expect(await runIds(api.server, experimentId)).toEqual([...before, ...created].sort());
    expect((await verifyAuditTrail(api.server.store.db)).problems).toEqual([]);
  });
});

describe.each(backends)('Idempotency-Key retention on $name', (backend) => {
  const api = useTestServer(backend, { server: { idempotencyRetentionMs: 500 } });

  it('forgets a key after the retention period: the same request then applies again', async () => {
    const created = await post(api.url, `${M}/experiments/create`, { name: 'retention' });
    const experimentId = (created.body as { experiment_id: string }).experiment_id;
    const body = { experiment_id: experimentId };
    const first = await post(api.url, `${M}/runs/create`, body, 'short-lived');
    expect((await post(api.url, `${M}/runs/create`, body, 'short-lived')).replayed).toBe('true');
    await new Promise((r) => setTimeout(r, 700));
    const later = await post(api.url, `${M}/runs/create`, body, 'short-lived');
    expect(later.status).toBe(200);
    expect(later.replayed).toBeNull();
    expect(later.body.run!.info.run_id).not.toBe(first.body.run!.info.run_id);
    expect(await runIds(api.server, experimentId)).toHaveLength(2);
  });
});
