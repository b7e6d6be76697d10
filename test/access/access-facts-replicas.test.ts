import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { backends } from '../support/backends.js';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from './access-fixture.js';

/**
 * Replicas keep the role bindings and restrictions they read between requests, under the access generation each was
 * read in. Whatever changes them — a grant on the other replica, a team membership, an operator's SQL — is applied
 * by the very next request on every replica, though the replica had the old answer in memory.
 */
describe.each(backends)('kept access facts across replicas on $name', (backend) => {
  const replicas: RunningServer[] = [];
  let first = '';
  let second = '';
  let artifacts = '';
  let drop: () => Promise<void>;
  let experimentId = '';
  const facts = () => replicas[1]!.services.access.facts;
  const readExperiment = (token: string) => callAs(second, token, 'GET', `/api/v1/experiments/${experimentId}`);

  beforeAll(async () => {
    const db = await backend.createMigrated();
    drop = db.drop;
    artifacts = await mkdtemp(join(tmpdir(), 'mnemo-access-facts-'));
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await startServer({
          host: '127.0.0.1',
          port: 0,
          backendStoreUri: db.uri,
          artifactsDestination: artifacts,
          auth: { enabled: true, adminToken: ADMIN_TOKEN, defaultRole: null },
        }),
      );
    }
    [first, second] = replicas.map((r) => r.url) as [string, string];
    const created = await ok(
      callAs<{ experiment: { experimentId: string } }>(first, ADMIN_TOKEN, 'POST', '/api/v1/experiments', {
        name: 'fraud',
      }),
    );
    experimentId = created.experiment.experimentId;
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    await drop?.();
    await rm(artifacts, { recursive: true, force: true });
  });

  /** Calls until an answer came from memory, so what follows changes a kept fact, not one read afresh anyway. */
  const warm = async (token: string, expected: number) => {
    const before = facts().hits;
    for (let i = 0; i < 3; i++) expect((await readExperiment(token)).status).toBe(expected);
    expect(facts().hits).toBeGreaterThan(before);
  };

  it('applies grants and revocations of roles made on the other replica to the next request', async () => {
    const token = await userWithToken(first, 'gus');
    await warm(token, 403);
    await grant(first, { role: 'reader', user: 'gus', experiment: experimentId });
    expect((await readExperiment(token)).status).toBe(200);
    await warm(token, 200);
    await ok(callAs(first, ADMIN_TOKEN, 'DELETE', '/api/v1/permissions', { user: 'gus', experiment: experimentId }));
    expect((await readExperiment(token)).status).toBe(403);
  });

  it('applies a restriction, a team membership and a deactivation at once', async () => {
    const token = await userWithToken(first, 'tess');
    await ok(callAs(first, ADMIN_TOKEN, 'POST', '/api/v1/teams', { name: 'fraud-team' }));
    await grant(first, { role: 'reader', team: 'fraud-team', experiment: experimentId });
    await warm(token, 403);
    await ok(callAs(first, ADMIN_TOKEN, 'POST', '/api/v1/teams/fraud-team/members', { user: 'tess' }));
    await warm(token, 200);
    await ok(callAs(first, ADMIN_TOKEN, 'DELETE', '/api/v1/teams/fraud-team/members/tess'));
    expect((await readExperiment(token)).status).toBe(403);

    // With the default role a signed-in user reads what nobody restricted; a restriction takes that away at once.
    const global = await userWithToken(first, 'gina');
    await grant(first, { role: 'reader', user: 'gina', global: true });
    await warm(global, 200);
    await ok(callAs(first, ADMIN_TOKEN, 'PUT', '/api/v1/restrictions', { experiment: experimentId, restricted: true }));
    expect((await readExperiment(global)).status).toBe(403);
    await ok(
      callAs(first, ADMIN_TOKEN, 'PUT', '/api/v1/restrictions', { experiment: experimentId, restricted: false }),
    );
    await warm(global, 200);
    await ok(callAs(first, ADMIN_TOKEN, 'POST', '/api/v1/users/gina/deactivate'));
    expect((await readExperiment(global)).status).toBe(401);
  });

  it("sees an operator's SQL on the bindings at once, and a token revoked on the other replica", async () => {
    const token = await userWithToken(first, 'olga');
    await grant(first, { role: 'reader', user: 'olga', experiment: experimentId });
    await warm(token, 200);
    await replicas[0]!.store.db
      .deleteFrom('role_bindings')
      .where('subject_id', '=', sql<string>`(select principal_id from principals where name = 'olga')`)
      .execute();
    expect((await readExperiment(token)).status).toBe(403);

    await grant(first, { role: 'reader', user: 'olga', experiment: experimentId });
    await warm(token, 200);
    const { tokens } = await ok(callAs<{ tokens: { id: string }[] }>(first, token, 'GET', '/api/v1/tokens'));
    await ok(callAs(first, ADMIN_TOKEN, 'DELETE', `/api/v1/tokens/${tokens[0]!.id}`));
    const refused = await readExperiment(token);
    expect(refused.status).toBe(401);
    expect((refused.body as { message: string }).message).toMatch(/revoked/);
  });
});
