import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { auditVerify } from '../../src/cli/audit-command.js';
import { backends } from '../support/backends.js';
import { ADMIN_TOKEN, callAs, ok, tokenFor, userWithToken } from './access-fixture.js';

/**
 * Tokens from creation to revocation across two replicas sharing one database, and the trail refused attempts leave
 * in the audit log.
 */
describe.each(backends)('tokens and refusals on $name', (backend) => {
  const replicas: RunningServer[] = [];
  let uri = '';
  let artifacts = '';
  let drop: () => Promise<void>;
  let first = '';
  let second = '';

  beforeAll(async () => {
    const db = await backend.createMigrated();
    drop = db.drop;
    uri = db.uri;
    artifacts = await mkdtemp(join(tmpdir(), 'mnemo-access-'));
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await startServer({
          host: '127.0.0.1',
          port: 0,
          backendStoreUri: uri,
          artifactsDestination: artifacts,
          auth: { enabled: true, adminToken: ADMIN_TOKEN },
        }),
      );
    }
    [first, second] = replicas.map((r) => r.url) as [string, string];
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    await drop?.();
    await rm(artifacts, { recursive: true, force: true });
  });

  it('refuses a token revoked on one replica on the other at once', async () => {
    const token = await userWithToken(first, 'rita');
    expect((await callAs(second, token, 'GET', '/api/v1/experiments')).status).toBe(200);
    const listed = await ok(callAs<{ tokens: { id: string }[] }>(first, token, 'GET', '/api/v1/tokens'));
    expect(listed.tokens).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(token);
    await ok(callAs(first, token, 'DELETE', `/api/v1/tokens/${listed.tokens[0]!.id}`));
    const refused = await callAs<{ message: string }>(second, token, 'GET', '/api/v1/experiments');
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/revoked/);
    expect(refused.body.message).not.toContain(token);
  });

  it('refuses a deactivated user and a token scoped below the need', async () => {
    await userWithToken(first, 'eddie');
    const fresh = await tokenFor(first, 'eddie');
    const readOnly = await tokenFor(first, 'eddie', 'read');
    expect((await callAs(second, readOnly, 'GET', '/api/v1/experiments')).status).toBe(200);
    const write = await callAs<{ error_code: string; message: string }>(
      second,
      readOnly,
      'POST',
      '/api/v1/experiments',
      {
        name: 'by-read-token',
      },
    );
    expect(write.status).toBe(403);
    expect(write.body.message).toMatch(/scope 'read'/);
    // A read token cannot mint itself a wider one.
    expect((await callAs(second, readOnly, 'POST', '/api/v1/tokens', { scope: 'write' })).status).toBe(403);

    await ok(callAs(first, ADMIN_TOKEN, 'POST', '/api/v1/users/eddie/deactivate'));
    const deactivated = await callAs<{ message: string }>(second, fresh, 'GET', '/api/v1/experiments');
    expect(deactivated.status).toBe(401);
    expect(deactivated.body.message).toMatch(/deactivated/);
  });

  it('refuses missing, malformed, unknown and wrong credentials with 401 and a reason', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /Authentication required/],
      [{ authorization: 'Bearer ' }, /Authentication/],
      [{ authorization: 'Token abc' }, /not Bearer or Basic/],
      [{ authorization: 'Bearer mnemo_unknown' }, /not known/],
      [{ authorization: `Basic ${Buffer.from('nobody:secret-password').toString('base64')}` }, /user name or password/],
    ];
    for (const [headers, reason] of cases) {
      const response = await fetch(`${second}/api/2.0/mlflow/experiments/search`, { method: 'POST', headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('Bearer');
      const body = (await response.json()) as { error_code: string; message: string };
      expect(body.error_code).toBe('UNAUTHENTICATED');
      expect(body.message).toMatch(reason);
    }
  });

  it('records refused attempts in the audit log, which verifies', async () => {
    const token = await userWithToken(first, 'otto');
    const { experiment_id } = await ok(
      callAs(first, ADMIN_TOKEN, 'POST', '/api/2.0/mlflow/experiments/create', { name: 'private' }),
    );
    await callAs(first, ADMIN_TOKEN, 'PUT', '/api/v1/restrictions', { experiment: experiment_id, restricted: true });
    const refused = await callAs(second, token, 'POST', '/api/2.0/mlflow/experiments/delete', { experiment_id });
    expect(refused.status).toBe(403);
    await callAs(second, 'mnemo_forged', 'GET', '/api/v1/experiments');

    const { events: listed } = await ok(
      callAs<{ events: { seq: number }[] }>(first, ADMIN_TOKEN, 'GET', '/api/v1/audit/events?action=access.deny'),
    );
    const events: { actor: string; state: Record<string, unknown> }[] = [];
    for (const { seq } of listed) {
      events.push(
        (await ok(callAs<{ event: (typeof events)[number] }>(first, ADMIN_TOKEN, 'GET', `/api/v1/audit/events/${seq}`)))
          .event,
      );
    }
    const forbidden = events.find((e) => e.state?.principal === 'otto' && e.state.status === 403);
    expect(forbidden?.state).toMatchObject({
      route: '/api/2.0/mlflow/experiments/delete',
      method: 'POST',
      resource: `experiment ${experiment_id}`,
      sourceAddress: '127.0.0.1',
    });
    expect(String(forbidden?.state.reason)).toMatch(/manager/);
    expect(forbidden?.actor).toBe('otto');
    expect(events.some((e) => e.state?.status === 401 && /not known/.test(String(e.state.reason)))).toBe(true);
    // Grants and users are audited too, with who did them.
    const grants = await ok(
      callAs<{ events: { actor: string }[] }>(first, ADMIN_TOKEN, 'GET', '/api/v1/audit/events?entityKind=principal'),
    );
    expect(grants.events.map((e) => e.actor)).toContain('admin');

    const report = await auditVerify({ backendStoreUri: uri, json: true });
    expect(report.code, report.stdout + report.stderr).toBe(0);
  });

  // Last: it moves a token's expiry into the past behind the server's back, which the audit log then reports.
  it('refuses an expired token', async () => {
    const token = await userWithToken(first, 'ernie');
    const { tokens } = await ok(callAs<{ tokens: { id: string }[] }>(first, token, 'GET', '/api/v1/tokens'));
    await replicas[0]!.store.db
      .updateTable('api_tokens')
      .set({ expires_time: Date.now() - 1 })
      .where('token_id', '=', tokens[0]!.id)
      .execute();
    const expired = await callAs<{ message: string }>(second, token, 'GET', '/api/v1/experiments');
    expect(expired.status).toBe(401);
    expect(expired.body.message).toMatch(/expired/);
    const report = await auditVerify({ backendStoreUri: uri, json: true });
    expect(report.stdout).toContain(`API token ${tokens[0]!.id} was changed after event`);
  });
});
