import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import type { VerificationReport } from '../../src/domain/provenance/verification-report.js';
import { DEFAULT_USAGE_RETENTION } from '../../src/domain/search/usage-retention.js';
import type { SearchResults } from '../../src/sdk/wire/search-shapes.js';
import { SearchUsageService } from '../../src/services/search/search-usage-service.js';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

/**
 * Rankings that learn from what people open, on a seeded corpus. The expected orders were written down before the
 * ranking was built:
 *
 * - "fraud" among models, before anyone opens anything: the two with fraud in their name (fraud-detector,
 *   fraud-rules) above the two that only mention it in a description (chargeback-model, churn-predictor).
 * - after people of team A open chargeback-model four times after searching "fraud", it comes first for everyone in
 *   team A (one who opened nothing included), and team B's order is exactly what it was.
 * - "ledgers": ledger-old and ledger-new match alike; ledger-new, the newer, comes first, except for team A, who
 *   opened a result tagged domain=payments (chargeback-model), which ledger-old also carries: it comes first for them.
 * - a restricted model opened by the one person in team A who may read it never shows to the others in team A,
 *   however often it was opened, and opening it is a 404 for them.
 */
describe.each(backends)('search ranking that learns from use on $name', (backend) => {
  const api = useTestServer(backend, { server: { auth: { enabled: true, adminToken: ADMIN_TOKEN } } });
  const tokens = { alice: '', amir: '', ann: '', bob: '' };
  const ids: Record<string, string> = {};

  const search = async (token: string, q: string) =>
    ok(callAs<SearchResults>(api.url, token, 'GET', `/api/v1/search?q=${encodeURIComponent(q)}&type=model`));
  const names = (results: SearchResults) => results.hits.map((h) => h.name);
  const open = (token: string, q: string, name: string) =>
    callAs<{ recorded: boolean }>(api.url, token, 'POST', '/api/v1/search/opens', {
      q,
      type: 'model',
      id: ids[name] ?? name,
    });
  const admin = (method: string, path: string, body?: unknown) =>
    ok(callAs<Record<string, unknown>>(api.url, ADMIN_TOKEN, method, path, body));
  const model = async (name: string, description: string, tags: Record<string, string> = {}) => {
    await admin('POST', '/api/v1/registered-models', { name, description, tags });
    const results = await search(ADMIN_TOKEN, name);
    ids[name] = results.hits.find((h) => h.name === name)!.id;
  };
  let before: { alice: string[]; bob: string[] };

  it('seeds two teams and a corpus', async () => {
    for (const team of ['team-a', 'team-b']) await admin('POST', '/api/v1/teams', { name: team });
    tokens.alice = await userWithToken(api.url, 'alice', { teams: ['team-a'] });
    tokens.amir = await userWithToken(api.url, 'amir', { teams: ['team-a'] });
    tokens.ann = await userWithToken(api.url, 'ann', { teams: ['team-a'] });
    tokens.bob = await userWithToken(api.url, 'bob', { teams: ['team-b'] });
    await model('fraud-detector', 'Scores card payments');
    await model('fraud-rules', 'Legacy rule engine');
    await model('chargeback-model', 'Predicts chargebacks and fraud losses', { domain: 'payments' });
    await model('churn-predictor', 'Flags accounts for fraud review');
    await model('ledger-old', 'Reconciles ledgers', { domain: 'payments' });
    await model('ledger-new', 'Reconciles ledgers');
    await model('secret-fraud-model', 'Fraud fraud fraud', { domain: 'secret' });
    await admin('PUT', '/api/v1/restrictions', { model: 'secret-fraud-model', restricted: true });
    await grant(api.url, { role: 'reader', user: 'alice', model: 'secret-fraud-model' });
  });

  it('ranks by the words alone before anything is opened', async () => {
    const alice = names(await search(tokens.alice, 'fraud')).filter((n) => n !== 'secret-fraud-model');
    const bob = names(await search(tokens.bob, 'fraud'));
    expect(new Set(alice.slice(0, 2))).toEqual(new Set(['fraud-detector', 'fraud-rules']));
    expect(new Set(alice.slice(2))).toEqual(new Set(['chargeback-model', 'churn-predictor']));
    expect(bob).toEqual(alice);
    expect(names(await search(tokens.alice, 'ledgers'))).toEqual(['ledger-new', 'ledger-old']);
    before = { alice, bob };
  });

  it('lifts what a team opened after a query for everyone in the team, and for nobody else', async () => {
    for (const token of [tokens.alice, tokens.amir, tokens.alice, tokens.amir]) {
      expect((await open(token, 'Fraud', 'chargeback-model')).body).toEqual({ recorded: true });
    }
    for (const member of [tokens.alice, tokens.amir, tokens.ann]) {
      const seen = names(await search(member, 'fraud')).filter((n) => n !== 'secret-fraud-model');
      expect(seen[0]).toBe('chargeback-model');
      expect(seen.slice(1)).toEqual(before.alice.filter((n) => n !== 'chargeback-model'));
    }
    expect(names(await search(tokens.bob, 'fraud'))).toEqual(before.bob);
  });

  it("lifts results carrying the team's popular tags", async () => {
    expect(names(await search(tokens.ann, 'ledgers'))).toEqual(['ledger-old', 'ledger-new']);
    expect(names(await search(tokens.bob, 'ledgers'))).toEqual(['ledger-new', 'ledger-old']);
  });

  it('never shows a hidden result, however often the team opened it', async () => {
    for (let i = 0; i < 5; i++) expect((await open(tokens.alice, 'fraud', 'secret-fraud-model')).status).toBe(200);
    expect(names(await search(tokens.alice, 'fraud'))[0]).toBe('secret-fraud-model');
    const amir = await search(tokens.amir, 'fraud');
    expect(names(amir)).not.toContain('secret-fraud-model');
    expect(amir.total).toBe(4);
    // Its tag (domain=secret) was opened most, yet lends nothing to what amir sees.
    expect(names(amir)[0]).toBe('chargeback-model');
    const refused = await open(tokens.amir, 'fraud', 'secret-fraud-model');
    expect(refused.status).toBe(404);
    expect(refused.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    const amirOpens = await api.server.store.db
      .selectFrom('search_opens')
      .innerJoin('principals', 'principals.principal_id', 'search_opens.principal_id')
      .where('principals.name', '=', 'amir')
      .select((e) => e.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(amirOpens.n)).toBe(2);
  });

  it('refuses a bad open with a 400 and records nothing', async () => {
    const count = async () =>
      Number(
        (
          await api.server.store.db
            .selectFrom('search_opens')
            .select((e) => e.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const n = await count();
    for (const body of [
      { q: 'x', type: 'spaceship', id: ids['fraud-rules'] },
      { q: 'x', type: 'model' },
      { q: 'x', type: 'model', id: ids['fraud-rules'], extra: 1 },
      { q: 'x'.repeat(10_001), type: 'model', id: ids['fraud-rules'] },
    ]) {
      const reply = await callAs(api.url, tokens.bob, 'POST', '/api/v1/search/opens', body);
      expect(reply.status).toBe(400);
      expect(reply.body).toHaveProperty('error_code');
      expect(reply.body).toHaveProperty('message');
    }
    expect(await count()).toBe(n);
  });

  it('records nothing of someone who opted out, and forgets what it had', async () => {
    const ownOpens = async () =>
      Number(
        (
          await api.server.store.db
            .selectFrom('search_opens')
            .innerJoin('principals', 'principals.principal_id', 'search_opens.principal_id')
            .where('principals.name', '=', 'bob')
            .select((e) => e.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await ok(callAs(api.url, tokens.bob, 'GET', '/api/v1/search/usage-preference'))).toEqual({
      recordOpens: true,
    });
    expect((await open(tokens.bob, 'fraud', 'churn-predictor')).body).toEqual({ recorded: true });
    expect(await ownOpens()).toBe(1);
    const off = await ok(callAs(api.url, tokens.bob, 'PUT', '/api/v1/search/usage-preference', { recordOpens: false }));
    expect(off).toEqual({ recordOpens: false });
    expect(await ownOpens()).toBe(0);
    for (let i = 0; i < 5; i++)
      expect((await open(tokens.bob, 'fraud', 'churn-predictor')).body).toEqual({ recorded: false });
    expect(await ownOpens()).toBe(0);
    expect(names(await search(tokens.bob, 'fraud'))).toEqual(before.bob);
    // Someone else's choice is their own.
    expect(await ok(callAs(api.url, tokens.ann, 'GET', '/api/v1/search/usage-preference'))).toEqual({
      recordOpens: true,
    });
    const bad = await callAs(api.url, tokens.bob, 'PUT', '/api/v1/search/usage-preference', { recordOpens: 'no' });
    expect(bad.status).toBe(400);
    expect(await ok(callAs(api.url, tokens.bob, 'GET', '/api/v1/search/usage-preference'))).toEqual({
      recordOpens: false,
    });
  });

  it('wipes query text after the retention period, then the opens themselves', async () => {
    const stored = async () =>
      (await api.server.store.db.selectFrom('search_opens').select(['query_key', 'opened_time']).execute()).map(
        (r) => ({ query_key: r.query_key, opened_time: Number(r.opened_time) }),
      );
    expect((await stored()).some((r) => r.query_key === 'fraud')).toBe(true);
    const newest = Math.max(...(await stored()).map((r) => r.opened_time));
    const at = (now: number) =>
      new SearchUsageService({ store: api.server.store, unitOfWork: api.server.services.unitOfWork, now: () => now });

    const textExpired = newest + DEFAULT_USAGE_RETENTION.queryRetentionMs + 1;
    const purged = await at(textExpired).purgeExpired();
    expect(purged.wiped).toBeGreaterThan(0);
    expect(purged.deleted).toBe(0);
    const wiped = await stored();
    expect(wiped.length).toBeGreaterThan(0);
    expect(wiped.every((r) => r.query_key === null)).toBe(true);

    // A recorded open purges too: nothing older than the open retention survives the write.
    const openExpired = newest + DEFAULT_USAGE_RETENTION.openRetentionMs + 1;
    const recorder = at(openExpired);
    const alice = await api.server.store.db
      .selectFrom('principals')
      .select('principal_id')
      .where('name', '=', 'alice')
      .executeTakeFirstOrThrow();
    const everything = { kind: 'all' } as const;
    await recorder.recordOpen(
      { id: alice.principal_id, teamIds: ['t'] },
      { q: 'ledgers', type: 'model', id: ids['ledger-new']! },
      { experiments: everything, models: everything, datasets: everything },
    );
    expect(await stored()).toEqual([{ query_key: 'ledgers', opened_time: openExpired }]);
  });

  it('leaves a log that verifies, and shows a preference turned back on behind the server', async () => {
    const verify = async () => {
      const result = await auditVerify({ backendStoreUri: api.backendUri, json: true });
      return { code: result.code, report: JSON.parse(result.stdout) as VerificationReport };
    };
    const clean = await verify();
    expect(clean.report.problems).toEqual([]);
    expect(clean.code).toBe(0);
    const db = api.server.store.db;
    await db.updateTable('search_usage_preferences').set({ record_opens: 1 }).execute();
    try {
      const tampered = await verify();
      expect(tampered.code).toBe(1);
      expect(tampered.report.problems.map((p) => p.message).join('\n')).toContain('search preference of principal');
    } finally {
      await db.updateTable('search_usage_preferences').set({ record_opens: 0 }).execute();
    }
    expect((await verify()).report.problems).toEqual([]);
  });
});
