import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchClient } from '../../src/sdk/search.js';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from '../access/access-fixture.js';
import { WebhookReceiver } from '../mlflow/support/webhook-receiver.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { createHook, M } from '../webhooks/support.js';

const V = '/api/v1';
const EVENTS = [{ entity: 'SAVED_SEARCH', action: 'NEW_RESULTS' }];

interface NewResults {
  saved_search_id: string;
  name: string;
  path: string;
  total: number;
  results: { type: string; id: string; name: string }[];
}

/**
 * SAVED_SEARCH.NEW_RESULTS to real receivers on loopback: a subscriber's own webhooks hear of the new results of a
 * saved search that they may read, found with their permissions; a subscriber who may read none of them hears
 * nothing, and nobody else's webhook (an administrator's included) hears of someone's subscription.
 */
describe.each(backends)('saved search webhooks on $name', (backend) => {
  const api = useTestServer(backend, {
    server: {
      auth: { enabled: true, adminToken: ADMIN_TOKEN },
      webhookDelivery: { allowPrivateAddresses: true, pollMs: 100 },
    },
  });
  const receivers = {
    alice: new WebhookReceiver(),
    bob: new WebhookReceiver(),
    carol: new WebhookReceiver(),
    admin: new WebhookReceiver(),
  };
  const tokens = { alice: '', bob: '', carol: '' };
  const experiments = { open: '', vault: '' };
  let savedPath = '';
  let savedId = '';
  const admin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    ok(callAs<T>(api.url, ADMIN_TOKEN, method, path, body));
  const newRun = async (experimentId: string, runName: string) =>
    (await admin<{ run: { runId: string } }>('POST', `${V}/runs`, { experimentId, runName })).run.runId;
  const dataOf = (delivery: { json: { data: unknown } }) => delivery.json.data as NewResults;
  const named = (receiver: WebhookReceiver) =>
    receiver.received.flatMap((d) => dataOf(d).results.map((r) => r.name)).sort();
  const settled = () => api.server.services.webhooks.dispatcher.settled();

  beforeAll(async () => {
    for (const receiver of Object.values(receivers)) await receiver.start();
    tokens.alice = await userWithToken(api.url, 'alice');
    tokens.bob = await userWithToken(api.url, 'bob');
    tokens.carol = await userWithToken(api.url, 'carol');
    for (const [key, name] of [
      ['open', 'fraud-lab'],
      ['vault', 'fraud-vault'],
    ] as const) {
      const { experiment } = await admin<{ experiment: { experimentId: string } }>('POST', `${V}/experiments`, {
        name,
      });
      experiments[key] = experiment.experimentId;
    }
    // The vault is restricted before any run is made in it: bob may never read one; alice is granted it.
    await admin('PUT', `${V}/restrictions`, { experiment: experiments.vault, restricted: true });
    await grant(api.url, { role: 'reader', user: 'alice', experiment: experiments.vault });
  });
  afterAll(async () => {
    for (const receiver of Object.values(receivers)) await receiver.stop();
  });

  it('refuses an action the saved search entity does not have, with a 400', async () => {
    const reply = await callAs<{ error_code: string; message: string }>(
      api.url,
      tokens.alice,
      'POST',
      `${M}/webhooks`,
      {
        name: 'hook',
        url: receivers.alice.url,
        events: [{ entity: 'SAVED_SEARCH', action: 'CREATED' }],
      },
    );
    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain('NEW_RESULTS');
  });

  it("tells a subscriber's webhooks of the new results they may read, and no one else's", async () => {
    for (const who of ['alice', 'bob', 'carol'] as const) {
      await createHook(api.url, tokens[who], { url: receivers[who].url, events: EVENTS });
    }
    await createHook(api.url, ADMIN_TOKEN, { url: receivers.admin.url, events: EVENTS });
    const { savedSearch } = await ok(
      callAs<{ savedSearch: { id: string; path: string } }>(api.url, tokens.alice, 'POST', `${V}/saved-searches`, {
        name: 'fraud runs',
        q: 'fraud',
        types: ['run'],
      }),
    );
    savedId = savedSearch.id;
    savedPath = savedSearch.path;
    for (const who of ['alice', 'bob'] as const) {
      const sdk = new SearchClient({ url: api.url, token: tokens[who] });
      expect(await sdk.setSavedSearchSubscription(savedId, true)).toEqual({ subscribed: true });
      expect(await sdk.savedSearchSubscription(savedId)).toEqual({ subscribed: true });
    }
    const mine = await new SearchClient({ url: api.url, token: tokens.alice }).savedSearches();
    expect(mine.map((s) => s.id)).toEqual([savedId]);

    const openRun = await newRun(experiments.open, 'fraud-run-open');
    await newRun(experiments.vault, 'fraud-run-hidden');
    await newRun(experiments.open, 'churn-run');
    await expect
      .poll(() => named(receivers.alice), { timeout: 15_000 })
      .toEqual(['fraud-run-hidden', 'fraud-run-open']);
    await expect.poll(() => named(receivers.bob), { timeout: 15_000 }).toEqual(['fraud-run-open']);

    const delivery = receivers.bob.received[0]!;
    expect(delivery.json).toMatchObject({ entity: 'saved_search', action: 'new_results' });
    expect(delivery.json.data).toEqual({
      saved_search_id: savedId,
      name: 'fraud runs',
      path: savedPath,
      total: 1,
      results: [{ type: 'run', id: openRun, name: 'fraud-run-open' }],
    });
    // Totals count only what each may read.
    const aliceTotal = receivers.alice.received.reduce((n, d) => n + dataOf(d).total, 0);
    expect(aliceTotal).toBe(2);
    await settled();
    expect(receivers.carol.received).toEqual([]);
    expect(receivers.admin.received).toEqual([]);
  });

  it('sends nothing to a subscriber who may read none of the new results', async () => {
    const before = { alice: receivers.alice.received.length, bob: receivers.bob.received.length };
    type Inbox = { notifications: { kind: string }[] };
    const bobsInbox = async () =>
      (await ok(callAs<Inbox>(api.url, tokens.bob, 'GET', `${V}/notifications`))).notifications.filter(
        (n) => n.kind === 'saved_search_matched',
      ).length;
    const bobsNotices = await bobsInbox();

    await newRun(experiments.vault, 'fraud-run-secret');
    await receivers.alice.waitFor(before.alice + 1, 15_000);
    const latest = dataOf(receivers.alice.received.at(-1)!);
    expect(latest.results.map((r) => r.name)).toEqual(['fraud-run-secret']);
    // The check that told alice has looked for bob too; a later write makes sure another check has run.
    await newRun(experiments.open, 'churn-run-2');
    await expect
      .poll(
        async () =>
          Number(
            (
              await api.server.store.db
                .selectFrom('saved_search_subscriptions')
                .select((e) => e.fn.min('checked_seq').as('seq'))
                .executeTakeFirstOrThrow()
            ).seq,
          ),
        { timeout: 15_000 },
      )
      .toBeGreaterThanOrEqual(
        Number(
          (
            await api.server.store.db
              .selectFrom('audit_events')
              .select((e) => e.fn.max('seq').as('seq'))
              .where('entity_kind', '=', 'run')
              .executeTakeFirstOrThrow()
          ).seq,
        ),
      );
    await settled();
    expect(receivers.bob.received).toHaveLength(before.bob);
    expect(await bobsInbox()).toBe(bobsNotices);
    expect(receivers.carol.received).toEqual([]);
    expect(receivers.admin.received).toEqual([]);
  });

  it('stops once the subscriber unsubscribes', async () => {
    const bobs = new SearchClient({ url: api.url, token: tokens.bob });
    expect(await bobs.setSavedSearchSubscription(savedId, false)).toEqual({ subscribed: false });
    expect(await bobs.savedSearchSubscription(savedId)).toEqual({ subscribed: false });
    const before = { alice: receivers.alice.received.length, bob: receivers.bob.received.length };
    await newRun(experiments.open, 'fraud-run-late');
    await receivers.alice.waitFor(before.alice + 1, 15_000);
    await settled();
    expect(receivers.bob.received).toHaveLength(before.bob);
  });
});
