import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import type { VerificationReport } from '../../src/domain/provenance/verification-report.js';
import type { SearchResults } from '../../src/sdk/wire/search-shapes.js';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

interface SavedSearchJson {
  id: string;
  name: string;
  q: string;
  types: string[];
  facets: string[];
  path: string;
}

/**
 * Saved searches shared by link: the link carries the question, and each reader's answer is what they may read.
 */
describe.each(backends)('saved searches on $name', (backend) => {
  const api = useTestServer(backend, { server: { auth: { enabled: true, adminToken: ADMIN_TOKEN } } });
  const tokens = { alice: '', bob: '' };
  let saved: SavedSearchJson;

  const count = async () =>
    Number(
      (
        await api.server.store.db
          .selectFrom('saved_searches')
          .select((e) => e.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const run = async (token: string, s: SavedSearchJson) => {
    const params = new URLSearchParams({ q: s.q });
    for (const type of s.types) params.append('type', type);
    for (const facet of s.facets) params.append('facet', facet);
    const results = await ok(callAs<SearchResults>(api.url, token, 'GET', `/api/v1/search?${params}`));
    return results.hits.map((h) => h.name).sort();
  };

  it('saves a search and lists it for its owner only', async () => {
    tokens.alice = await userWithToken(api.url, 'alice');
    tokens.bob = await userWithToken(api.url, 'bob');
    for (const [name, team] of [
      ['fraud-detector', 'risk'],
      ['fraud-secret', 'risk'],
      ['fraud-growth', 'growth'],
    ] as const) {
      await ok(callAs(api.url, ADMIN_TOKEN, 'POST', '/api/v1/registered-models', { name, ownerTeam: team }));
    }
    await ok(callAs(api.url, ADMIN_TOKEN, 'PUT', '/api/v1/restrictions', { model: 'fraud-secret', restricted: true }));
    await grant(api.url, { role: 'reader', user: 'alice', model: 'fraud-secret' });

    const reply = await ok(
      callAs<{ savedSearch: SavedSearchJson }>(api.url, tokens.alice, 'POST', '/api/v1/saved-searches', {
        name: '  risk fraud models ',
        q: 'fraud',
        types: ['model'],
        facets: ['team=risk'],
      }),
    );
    saved = reply.savedSearch;
    expect(saved).toMatchObject({ name: 'risk fraud models', q: 'fraud', types: ['model'], facets: ['team=risk'] });
    expect(saved.path).toBe(`/searches/${saved.id}`);
    const own = await ok(
      callAs<{ savedSearches: SavedSearchJson[] }>(api.url, tokens.alice, 'GET', '/api/v1/saved-searches'),
    );
    expect(own.savedSearches.map((s) => s.id)).toEqual([saved.id]);
    const bobs = await ok(
      callAs<{ savedSearches: SavedSearchJson[] }>(api.url, tokens.bob, 'GET', '/api/v1/saved-searches'),
    );
    expect(bobs.savedSearches).toEqual([]);
  });

  it('opens by its link for anyone signed in, each seeing only what they may read', async () => {
    const opened = await ok(
      callAs<{ savedSearch: SavedSearchJson }>(api.url, tokens.bob, 'GET', `/api/v1/saved-searches/${saved.id}`),
    );
    expect(opened.savedSearch).toEqual(saved);
    expect(await run(tokens.alice, saved)).toEqual(['fraud-detector', 'fraud-secret']);
    expect(await run(tokens.bob, opened.savedSearch)).toEqual(['fraud-detector']);
    expect((await callAs(api.url, undefined, 'GET', `/api/v1/saved-searches/${saved.id}`)).status).toBe(401);
    const missing = await callAs(api.url, tokens.bob, 'GET', '/api/v1/saved-searches/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('refuses a search that would not run with a 400 naming what is wrong, and saves nothing', async () => {
    const before = await count();
    for (const [body, named] of [
      [{ name: 'x', facets: ['metric.auc=high'] }, 'metric.auc=high'],
      [{ name: 'x', types: ['spaceship'] }, 'spaceship'],
      [{ name: '   ' }, 'name'],
      [{ q: 'fraud' }, 'name'],
      [{ name: 'x', facets: 'stage=Production' }, 'facets'],
      [{ name: 'x', extra: true }, 'extra'],
    ] as const) {
      const reply = await callAs<{ error_code: string; message: string }>(
        api.url,
        tokens.alice,
        'POST',
        '/api/v1/saved-searches',
        body,
      );
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.error_code).toBeTruthy();
      expect(reply.body.message).toContain(named);
    }
    expect(await count()).toBe(before);
  });

  it('is deleted by its owner only, and its link then stops working', async () => {
    const refused = await callAs(api.url, tokens.bob, 'DELETE', `/api/v1/saved-searches/${saved.id}`);
    expect(refused.status).toBe(403);
    expect(await count()).toBe(1);
    expect((await callAs(api.url, tokens.alice, 'DELETE', `/api/v1/saved-searches/${saved.id}`)).status).toBe(200);
    expect((await callAs(api.url, tokens.bob, 'GET', `/api/v1/saved-searches/${saved.id}`)).status).toBe(404);
    expect((await callAs(api.url, tokens.alice, 'DELETE', `/api/v1/saved-searches/${saved.id}`)).status).toBe(404);
    expect(await count()).toBe(0);
  });

  it('leaves a log that verifies, and shows a saved search changed behind the server', async () => {
    const kept = await ok(
      callAs<{ savedSearch: SavedSearchJson }>(api.url, tokens.alice, 'POST', '/api/v1/saved-searches', {
        name: 'kept',
        q: 'fraud',
      }),
    );
    const verify = async () => {
      const result = await auditVerify({ backendStoreUri: api.backendUri, json: true });
      return { code: result.code, report: JSON.parse(result.stdout) as VerificationReport };
    };
    expect((await verify()).report.problems).toEqual([]);
    const db = api.server.store.db;
    await db.updateTable('saved_searches').set({ query: 'anything' }).execute();
    try {
      const tampered = await verify();
      expect(tampered.code).toBe(1);
      expect(tampered.report.problems.map((p) => p.message).join('\n')).toContain(kept.savedSearch.id);
    } finally {
      await db.updateTable('saved_searches').set({ query: 'fraud' }).execute();
    }
    expect((await verify()).report.problems).toEqual([]);
  });

  it('tells subscribers of new results they may read, and nobody else', async () => {
    const carol = await userWithToken(api.url, 'carol');
    // A restricted experiment alice may read and bob may not, restricted before any run is made in it.
    const { experiment } = await ok(
      callAs<{ experiment: { experimentId: string } }>(api.url, ADMIN_TOKEN, 'POST', '/api/v1/experiments', {
        name: 'quiet-lab',
      }),
    );
    await ok(
      callAs(api.url, ADMIN_TOKEN, 'PUT', '/api/v1/restrictions', {
        experiment: experiment.experimentId,
        restricted: true,
      }),
    );
    await grant(api.url, { role: 'reader', user: 'alice', experiment: experiment.experimentId });
    const { savedSearch } = await ok(
      callAs<{ savedSearch: SavedSearchJson }>(api.url, tokens.alice, 'POST', '/api/v1/saved-searches', {
        name: 'new fraud work',
        q: 'fraud',
        types: ['model', 'run'],
      }),
    );
    const sub = (token: string, method: string) =>
      callAs<{ subscribed: boolean }>(api.url, token, method, `/api/v1/saved-searches/${savedSearch.id}/subscription`);
    for (const token of [tokens.alice, tokens.bob]) {
      expect((await sub(token, 'PUT')).body).toEqual({ subscribed: true });
      expect((await sub(token, 'PUT')).body).toEqual({ subscribed: true });
    }
    expect((await sub(tokens.bob, 'GET')).body).toEqual({ subscribed: true });
    expect((await sub(carol, 'GET')).body).toEqual({ subscribed: false });
    expect((await callAs(api.url, carol, 'PUT', '/api/v1/saved-searches/missing/subscription')).status).toBe(404);

    await ok(
      callAs(api.url, ADMIN_TOKEN, 'POST', '/api/v1/runs', {
        experimentId: experiment.experimentId,
        runName: 'fraud-quiet-run',
      }),
    );
    await ok(callAs(api.url, ADMIN_TOKEN, 'POST', '/api/v1/registered-models', { name: 'fraud-brand-new' }));
    await ok(callAs(api.url, ADMIN_TOKEN, 'POST', '/api/v1/registered-models', { name: 'churn-brand-new' }));

    type Inbox = { notifications: { kind: string; subject: string; body: string; link: string }[] };
    const inbox = async (token: string) =>
      (await ok(callAs<Inbox>(api.url, token, 'GET', '/api/v1/notifications'))).notifications.filter(
        (n) => n.kind === 'saved_search_matched',
      );
    // Results found by one check are announced together; a later check announces the rest.
    const announced = async (token: string) => (await inbox(token)).flatMap((n) => n.body.split('\n')).sort();
    await expect.poll(() => announced(tokens.bob), { timeout: 15_000 }).toEqual(['- fraud-brand-new (model)']);
    const [bobs] = await inbox(tokens.bob);
    expect(bobs).toMatchObject({ subject: '1 new result for “new fraud work”', link: savedSearch.path });
    await expect
      .poll(() => announced(tokens.alice), { timeout: 15_000 })
      .toEqual(['- fraud-brand-new (model)', '- fraud-quiet-run (run)']);
    const seenByAlice = (await inbox(tokens.alice)).length;
    expect(await inbox(carol)).toEqual([]);

    // Nothing new, nothing said; after unsubscribing, nothing more either.
    expect((await sub(tokens.bob, 'DELETE')).body).toEqual({ subscribed: false });
    await ok(callAs(api.url, ADMIN_TOKEN, 'POST', '/api/v1/registered-models', { name: 'fraud-newer' }));
    await expect.poll(async () => (await inbox(tokens.alice)).length, { timeout: 15_000 }).toBe(seenByAlice + 1);
    expect((await inbox(tokens.alice))[0]).toMatchObject({
      subject: '1 new result for “new fraud work”',
      body: '- fraud-newer (model)',
    });
    expect(await inbox(tokens.bob)).toHaveLength(1);
  });

  it('announces a result whose write was held open past a check', async () => {
    const dana = await userWithToken(api.url, 'dana');
    const { savedSearch } = await ok(
      callAs<{ savedSearch: SavedSearchJson }>(api.url, dana, 'POST', '/api/v1/saved-searches', {
        name: 'held',
        q: 'heldwrite',
        types: ['experiment'],
      }),
    );
    await ok(callAs(api.url, dana, 'PUT', `/api/v1/saved-searches/${savedSearch.id}/subscription`));
    type Inbox = { notifications: { kind: string; subject: string; body: string }[] };
    const announced = async () =>
      (await ok(callAs<Inbox>(api.url, dana, 'GET', '/api/v1/notifications'))).notifications
        .filter((n) => n.kind === 'saved_search_matched' && n.subject.endsWith('for “held”'))
        .flatMap((n) => n.body.split('\n'))
        .sort();
    const experiment = (name: string) => callAs(api.url, ADMIN_TOKEN, 'POST', '/api/v1/experiments', { name });

    await ok(experiment('heldwrite-first'));
    // A write that keeps its transaction open (a long import, a slow disk), and an experiment stamped meanwhile whose
    // write waits for it: the experiment commits with a creation time from before the checks that ran in between.
    const hold = api.server.services.unitOfWork.write(() => new Promise((resolve) => setTimeout(resolve, 2500)));
    const late = experiment('heldwrite-late');
    await new Promise((resolve) => setTimeout(resolve, 1300));
    const during = api.server.services.savedSearchWatcher.check();
    await hold;
    await ok(late);
    await during;
    await expect
      .poll(announced, { timeout: 15_000 })
      .toEqual(['- heldwrite-first (experiment)', '- heldwrite-late (experiment)']);
  });
});
