import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

type Reply = { runs: { runId: string; runName: string; lifecycleStage: string; params: Record<string, string> }[] };

describe.each(backends)('fetching several runs at once on $name', (backend) => {
  const api = useTestServer(backend);

  async function runs(count: number): Promise<string[]> {
    const { body } = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: `get-many-${count}`,
    });
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const created = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', {
        experimentId: body.experiment.experimentId,
        runName: `r${i}`,
      });
      await api.call('POST', `/api/v1/runs/${created.body.run.runId}/batch`, { params: { i: String(i) } });
      ids.push(created.body.run.runId);
    }
    return ids;
  }

  it('answers the runs in the order asked, each once, deleted ones included, and names the missing ids', async () => {
    const [a, b, c] = await runs(3);
    await api.call('DELETE', `/api/v1/runs/${b}`);
    const { status, body } = await api.call<Reply & { missing: string[] }>('POST', '/api/v1/runs/get', {
      runIds: [c, 'no-such-run', a!, b!, c, 'also-missing'],
    });
    expect(status).toBe(200);
    expect(body.runs.map((r) => [r.runId, r.runName, r.params.i, r.lifecycleStage])).toEqual([
      [c, 'r2', '2', 'active'],
      [a, 'r0', '0', 'active'],
      [b, 'r1', '1', 'deleted'],
    ]);
    expect(body.missing).toEqual(['no-such-run', 'also-missing']);
  });

  it('fetches many runs in one request and refuses more than its bound with a clear 400', async () => {
    const ids = await runs(30);
    const many = [...ids, ...Array.from({ length: 970 }, (_, i) => `absent-${i}`)];
    const ok = await api.call<Reply & { missing: string[] }>('POST', '/api/v1/runs/get', { runIds: many });
    expect(ok.status).toBe(200);
    expect(ok.body.runs.map((r) => r.runId)).toEqual(ids);
    expect(ok.body.missing).toHaveLength(970);

    const tooMany = await api.call<{ error_code: string; message: string }>('POST', '/api/v1/runs/get', {
      runIds: [...many, 'one-more'],
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(tooMany.body.message).toMatch(/runIds.*1000/);
    for (const body of [{ runIds: [] }, {}, { runIds: [''] }, { runIds: 'x' }]) {
      const bad = await api.call<{ error_code: string }>('POST', '/api/v1/runs/get', body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
  });
});
