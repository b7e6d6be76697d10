import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { ADMIN_TOKEN, callAs, ok, userWithToken } from './access-fixture.js';

/** Successful reads are counted per principal, resource and hour, and administrators can read and export them. */
describe.each(backends)('the access log on $name', (backend) => {
  const api = useTestServer(backend, { server: { auth: { enabled: true, adminToken: ADMIN_TOKEN } } });

  it('counts who read what, leaves refused requests out, and exports JSON Lines', async () => {
    const rita = await userWithToken(api.url, 'rita');
    const { experiment_id } = await ok(
      callAs(api.url, ADMIN_TOKEN, 'POST', '/api/2.0/mlflow/experiments/create', { name: 'watched' }),
    );
    for (let i = 0; i < 3; i++) {
      await ok(callAs(api.url, rita, 'GET', `/api/2.0/mlflow/experiments/get?experiment_id=${experiment_id}`));
    }
    await ok(callAs(api.url, rita, 'GET', '/api/v1/experiments'));
    expect((await callAs(api.url, rita, 'GET', '/api/v1/users')).status).toBe(403);
    expect((await callAs(api.url, rita, 'GET', '/api/v1/access-log')).status).toBe(403);

    const { entries } = await ok(
      callAs<{ entries: { principal: string; resource: string; hour: number; requests: number }[] }>(
        api.url,
        ADMIN_TOKEN,
        'GET',
        '/api/v1/access-log?principal=rita',
      ),
    );
    const byResource = Object.fromEntries(entries.map((e) => [e.resource, e.requests]));
    expect(byResource).toEqual({ [`experiment ${experiment_id}`]: 3, 'GET /api/v1/experiments': 1 });
    expect(entries.every((e) => e.hour % 3_600_000 === 0 && e.hour <= Date.now())).toBe(true);

    const exported = await fetch(`${api.url}/api/v1/access-log.jsonl?principal=rita`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(exported.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await exported.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { principal: string });
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => line.principal === 'rita')).toBe(true);
    // A time window with nothing in it.
    const none = await ok(
      callAs<{ entries: unknown[] }>(
        api.url,
        ADMIN_TOKEN,
        'GET',
        `/api/v1/access-log?principal=rita&to=${Date.now() - 7_200_000}`,
      ),
    );
    expect(none.entries).toEqual([]);
  });
});
