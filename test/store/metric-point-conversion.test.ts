import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import { unpackChunk } from '../../src/domain/metrics/metric-chunks.js';
import { convertLegacyMetricPoints } from '../../src/store/metric-point-conversion.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { useProvenanceServer } from '../provenance/support/provenance-server.js';
import { backends } from '../support/backends.js';

type Point = { key: string; value: number | string; step: number; timestamp: number };

/**
 * A database written before chunks stored its points a row each in `metrics`. The test logs through the API, puts
 * every stored point back into that form, and converts it again: first interrupted, then to the end.
 */
describe.each(backends)('converting metric point rows to chunks on $name', (backend) => {
  const api = useProvenanceServer(backend);
  let store: Store;
  const runIds: string[] = [];
  const before = new Map<string, Point[]>();
  const KEYS = ['acc', 'loss', 'lr'];

  async function history(runId: string, key: string): Promise<Point[]> {
    const { body } = await api.call<{ metrics: Point[] }>('GET', `/api/v1/runs/${runId}/metric-history?key=${key}`);
    return body.metrics;
  }

  async function pointRows(): Promise<number> {
    const row = await store.db
      .selectFrom('metrics')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  beforeAll(async () => {
    for (let r = 0; r < 2; r++) {
      const { body } = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', { experimentId: '0' });
      const runId = body.run.runId;
      runIds.push(runId);
      for (let start = 0; start < 2400; start += 1200) {
        const steps = Array.from({ length: 1200 }, (_, i) => start + ((i * 7) % 1200));
        const values = steps.map((s) => (s % 97 === 0 ? 'NaN' : Math.cos(s + r)));
        const reply = await api.call('POST', `/api/v1/runs/${runId}/batch`, {
          series: KEYS.map((key) => ({ key, steps, timestamps: steps.map((s) => 1000 + s), values })),
        });
        expect(reply.status).toBe(200);
      }
      for (const key of KEYS) before.set(`${runId}/${key}`, await history(runId, key));
    }
    store = await openStore(api.backendUri);
    // Back to a row per point, as the table held them before chunks.
    const chunks = await store.db.selectFrom('metric_chunks').selectAll().execute();
    for (const chunk of chunks) {
      const columns = unpackChunk(chunk.count, chunk.encoding, chunk.steps, chunk.timestamps, chunk.vals);
      const rows = Array.from({ length: columns.count }, (_, i) => {
        const value = columns.values[i]!;
        return {
          run_id: chunk.run_id,
          key: chunk.key,
          step: columns.steps[i]!,
          timestamp: columns.timestamps[i]!,
          value: Number.isNaN(value) ? 0 : value,
          is_nan: Number.isNaN(value) ? 1 : 0,
          batch: chunk.batch,
        };
      });
      for (let i = 0; i < rows.length; i += 500) {
        await store.db
          .insertInto('metrics')
          .values(rows.slice(i, i + 500))
          .execute();
      }
    }
    await store.db.deleteFrom('metric_chunks').execute();
  });
  afterAll(async () => store?.close());

  it('converts in place a series at a time, resumes after an interruption, and the audit log still verifies', async () => {
    const total = await pointRows();
    expect(total).toBe(2 * 3 * 2400);
    // Interrupted after two transactions: each converted the one whole series its slice held (the slice's rest
    // waits), and those rows are gone; the others are untouched.
    expect(await convertLegacyMetricPoints(store, { maxSteps: 2, pointsPerStep: 3000 })).toBe(2 * 2400);
    expect(await pointRows()).toBe(total - 2 * 2400);
    // A series longer than a transaction's slice is converted whole.
    expect(await convertLegacyMetricPoints(store, { maxSteps: 1, pointsPerStep: 1000 })).toBe(2400);
    expect(await pointRows()).toBe(total - 3 * 2400);

    const lines: string[] = [];
    const left = total - 3 * 2400;
    expect(await convertLegacyMetricPoints(store, { maxSteps: 1, progress: (line) => lines.push(line) })).toBe(left);
    expect(lines).toEqual([`converting ${left} metric points to chunks`, `converted ${left} of ${left} metric points`]);
    expect(await pointRows()).toBe(0);
    // Nothing left: opening the store again (which converts what remains) has nothing to do.
    await (await openStore(api.backendUri)).close();
    expect(await convertLegacyMetricPoints(store, { progress: (line) => lines.push(line) })).toBe(0);
    expect(lines).toHaveLength(2);

    for (const runId of runIds) {
      for (const key of KEYS) expect(await history(runId, key)).toEqual(before.get(`${runId}/${key}`));
    }
    const verified = await auditVerify({ backendStoreUri: api.backendUri });
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
  });
});
