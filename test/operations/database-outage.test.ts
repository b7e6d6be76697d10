import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditTrail } from '../../src/services/provenance/verify/audit-verifier.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

const M = '/api/2.0/mlflow';
const WORKERS = 6;
const KEYS_PER_BATCH = 20;

interface Answer {
  batch: number;
  status: number;
  retryAfter: string | null;
  body: { error_code?: string; message?: string };
}

/**
 * PostgreSQL going away under load, without touching the shared server: the test's own database is closed to new
 * connections and every session on it is ended (what a restart does to a replica), then opened again.
 */
describe.each(backends.filter((b) => b.name === 'postgres'))('a database outage under load on $name', (backend) => {
  const api = useTestServer(backend);
  let admin: pg.Client;
  let database: string;
  let runId: string;

  beforeAll(async () => {
    const url = new URL(api.backendUri);
    database = url.pathname.slice(1);
    url.pathname = '/postgres';
    admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    const experiment = await api.call<{ experiment_id: string }>('POST', `${M}/experiments/create`, { name: 'outage' });
    const run = await api.call<{ run: { info: { run_id: string } } }>('POST', `${M}/runs/create`, {
      experiment_id: experiment.body.experiment_id,
    });
    runId = run.body.run.info.run_id;
  });
  afterAll(async () => {
    await admin?.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`).catch(() => {});
    await admin?.end();
  });

  const logBatch = async (batch: number): Promise<Answer> => {
    const metrics = Array.from({ length: KEYS_PER_BATCH }, (_, k) => ({
      key: `b${batch}_m${k}`,
      value: batch + k,
      timestamp: 1_700_000_000_000 + batch,
      step: 0,
    }));
    const response = await fetch(`${api.url}${M}/runs/log-batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ run_id: runId, metrics }),
    });
    return {
      batch,
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as Answer['body'],
    };
  };

  const endEverySession = () =>
    admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );

  it('answers 503 with Retry-After while it is away, stores whole batches or nothing, and recovers by itself', async () => {
    const answers: Answer[] = [];
    let next = 0;
    let stop = false;
    const workers = Array.from({ length: WORKERS }, async () => {
      while (!stop) answers.push(await logBatch(next++));
    });

    // Under way first: every worker has had answers.
    await expect.poll(() => answers.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2 * WORKERS);
    // Sessions ended mid-load (terminated backends, as on a restart), then the database refuses new ones for a while.
    await endEverySession();
    await new Promise((r) => setTimeout(r, 100));
    await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
    await endEverySession();
    const whileAway = await api.call<{ message: string }>('GET', '/ready');
    // Closed until the load has met it, however slow the machine.
    await expect.poll(() => answers.some((a) => a.status === 503), { timeout: 30_000 }).toBe(true);
    await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
    const reopenedAt = answers.length;
    await expect.poll(() => answers.slice(reopenedAt).some((a) => a.status === 200), { timeout: 30_000 }).toBe(true);
    stop = true;
    await Promise.all(workers);

    expect(whileAway.status).toBe(503);
    expect(whileAway.body.message).toMatch(/^database unreachable: /);
    const statuses = new Set(answers.map((a) => a.status));
    expect([...statuses].sort()).toEqual([200, 503]);
    for (const refused of answers.filter((a) => a.status === 503)) {
      expect(refused.retryAfter).toMatch(/^\d+$/);
      expect(refused.body.error_code).toBe('TEMPORARILY_UNAVAILABLE');
      expect(refused.body.message).toMatch(/temporarily unavailable/);
    }

    // Recovered without a restart: the pool replaced its lost connections.
    expect((await api.call('GET', '/ready')).status).toBe(200);
    const after = await logBatch(next++);
    expect(after.status).toBe(200);
    answers.push(after);

    const run = await api.call<{ run: { data: { metrics?: { key: string }[] } } }>(
      'GET',
      `${M}/runs/get?run_id=${runId}`,
    );
    const stored = new Map<number, number>();
    for (const { key } of run.body.run.data.metrics ?? []) {
      const batch = Number(/^b(\d+)_/.exec(key)?.[1]);
      stored.set(batch, (stored.get(batch) ?? 0) + 1);
    }
    for (const answer of answers) {
      const count = stored.get(answer.batch) ?? 0;
      // Acknowledged batches are whole; refused ones are whole or absent, never half-written.
      if (answer.status === 200) expect(count, `batch ${answer.batch}`).toBe(KEYS_PER_BATCH);
      else expect([0, KEYS_PER_BATCH], `batch ${answer.batch}`).toContain(count);
    }
    expect((await verifyAuditTrail(api.server.store.db)).problems).toEqual([]);
  });
});
