import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditTrail } from '../../src/services/provenance/verify/audit-verifier.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { mlflowCalls } from './support/mlflow-calls.js';

interface Hook {
  webhook_id: string;
  name: string;
  description?: string;
  url: string;
  events: { entity: string; action: string }[];
  status: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
}

const SECRET = 'whsec-do-not-leak-7f3a9c';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe.each(backends)('MLflow webhooks API on $name', (backend) => {
  const api = useTestServer(backend);
  const mlflow = mlflowCalls(api);
  let store: Store;
  const answers: string[] = [];
  const call = async <T>(method: 'post' | 'patch' | 'delete', path: string, body: unknown) => {
    const reply = await mlflow[method]<T>(path, body);
    answers.push(JSON.stringify(reply.body));
    return reply;
  };
  const get = async <T>(path: string, query: Record<string, string> = {}) => {
    const reply = await mlflow.get<T>(path, query);
    answers.push(JSON.stringify(reply.body));
    return reply;
  };

  beforeAll(async () => {
    store = await openStore(api.backendUri);
  });
  afterAll(async () => {
    await store?.close();
  });

  const create = (extra: Record<string, unknown> = {}) =>
    call<{ webhook: Hook }>('post', 'webhooks', {
      name: 'ci-hook',
      url: 'https://ci.example.com/mlflow',
      events: [
        { entity: 'MODEL_VERSION', action: 'CREATED' },
        { entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' },
      ],
      secret: SECRET,
      ...extra,
    });

  it('creates, reads, lists, updates and deletes a webhook, never showing its secret', async () => {
    const created = await create({ description: 'tells CI' });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const hook = created.body.webhook;
    expect(hook).toEqual({
      webhook_id: expect.stringMatching(UUID),
      name: 'ci-hook',
      description: 'tells CI',
      url: 'https://ci.example.com/mlflow',
      events: [
        { entity: 'MODEL_VERSION', action: 'CREATED' },
        { entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' },
      ],
      status: 'ACTIVE',
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: hook.creation_timestamp,
    });

    const got = await get<{ webhook: Hook }>(`webhooks/${hook.webhook_id}`);
    expect(got).toEqual({ status: 200, body: { webhook: hook } });
    const listed = await get<{ webhooks: Hook[] }>('webhooks');
    expect(listed.body.webhooks.map((w) => w.webhook_id)).toContain(hook.webhook_id);

    await new Promise((resolve) => setTimeout(resolve, 5));
    const updated = await call<{ webhook: Hook }>('patch', `webhooks/${hook.webhook_id}`, {
      description: 'updated',
      status: 'DISABLED',
      events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
    });
    expect(updated.status).toBe(200);
    expect(updated.body.webhook).toEqual({
      ...hook,
      description: 'updated',
      status: 'DISABLED',
      events: [{ entity: 'REGISTERED_MODEL', action: 'CREATED' }],
      last_updated_timestamp: expect.any(Number),
    });
    expect(updated.body.webhook.last_updated_timestamp).toBeGreaterThan(hook.last_updated_timestamp);
    expect((await get<{ webhook: Hook }>(`webhooks/${hook.webhook_id}`)).body.webhook).toEqual(updated.body.webhook);

    const deleted = await call('delete', `webhooks/${hook.webhook_id}`, undefined);
    expect(deleted).toEqual({ status: 200, body: {} });
    const gone = await get(`webhooks/${hook.webhook_id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('pages through webhooks with max_results and page_token', async () => {
    const before = (await get<{ webhooks?: Hook[] }>('webhooks')).body.webhooks ?? [];
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await create({ name: `paged-${i}` })).body.webhook.webhook_id);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await get<{ webhooks: Hook[]; next_page_token?: string }>('webhooks', {
        max_results: '2',
        ...(token ? { page_token: token } : {}),
      });
      expect(page.status).toBe(200);
      expect(page.body.webhooks.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.webhooks.map((w) => w.webhook_id));
      token = page.body.next_page_token;
      pages += 1;
    } while (token);
    expect(pages).toBe(Math.ceil((before.length + 5) / 2));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(made));
    expect(seen).toHaveLength(before.length + 5);
  });

  it.each([
    ['a non-http URL', { url: 'ftp://ci.example.com/hook' }],
    ['a javascript: URL', { url: 'javascript:alert(1)' }],
    ['a relative URL', { url: '/hook' }],
    ['no events', { events: [] }],
    ['an action the entity does not have', { events: [{ entity: 'REGISTERED_MODEL', action: 'DELETED' }] }],
    ['an unknown entity', { events: [{ entity: 'EXPERIMENT', action: 'CREATED' }] }],
    ['an unknown action', { events: [{ entity: 'MODEL_VERSION', action: 'EXPLODED' }] }],
    ['events as strings', { events: ['model_version.created'] }],
    ['an unknown status', { status: 'DELETED' }],
    ['a blank name', { name: '  ' }],
    ['an unknown field', { colour: 'red' }],
    ['a numeric secret', { secret: 42 }],
  ])('refuses to create a webhook with %s', async (_, change) => {
    const reply = await create(change);
    expect(reply.status, JSON.stringify(reply.body)).toBe(400);
    expect(reply.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.any(String) });
  });

  it('refuses a webhook without a name, URL or events', async () => {
    for (const missing of ['name', 'url', 'events']) {
      const body: Record<string, unknown> = {
        name: 'x',
        url: 'https://ci.example.com/',
        events: [{ entity: 'MODEL_VERSION', action: 'CREATED' }],
      };
      delete body[missing];
      const reply = await call('post', 'webhooks', body);
      expect(reply.status, missing).toBe(400);
      expect(reply.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
  });

  it('refuses bad updates and leaves the webhook as it was', async () => {
    const hook = (await create()).body.webhook;
    for (const change of [
      { url: 'file:///etc/passwd' },
      { events: [] },
      { events: [{ entity: 'MODEL_VERSION_TAG', action: 'CREATED' }] },
      { status: 'ENABLED' },
      { name: '' },
      { webhook_id: '00000000-0000-4000-8000-000000000000' },
    ]) {
      const reply = await call('patch', `webhooks/${hook.webhook_id}`, change);
      expect(reply.status, JSON.stringify(change)).toBe(400);
      expect(reply.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
    expect((await get<{ webhook: Hook }>(`webhooks/${hook.webhook_id}`)).body.webhook).toEqual(hook);
  });

  it('answers RESOURCE_DOES_NOT_EXIST for an unknown webhook on every route', async () => {
    const id = '6f1c1a52-0000-4000-8000-000000000000';
    for (const reply of [
      await get(`webhooks/${id}`),
      await call('patch', `webhooks/${id}`, { description: 'x' }),
      await call('delete', `webhooks/${id}`, undefined),
      await call('post', `webhooks/${id}/test`, {}),
      await get('webhooks/not-a-uuid'),
    ]) {
      expect(reply.status).toBe(404);
      expect(reply.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    }
  });

  it('refuses bad paging input', async () => {
    const queries: Record<string, string>[] = [
      { max_results: '0' },
      { max_results: '1001' },
      { max_results: 'ten' },
      { page_token: '!!' },
    ];
    for (const query of queries) {
      const reply = await get('webhooks', query);
      expect(reply.status, JSON.stringify(query)).toBe(400);
      expect(reply.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
  });

  it('never answers with the secret, and stores it sealed, not in clear, with the audit log holding only a digest', async () => {
    const hook = (await create({ name: 'sealed' })).body.webhook;
    await call('patch', `webhooks/${hook.webhook_id}`, { secret: `${SECRET}-2` });
    await get(`webhooks/${hook.webhook_id}`);
    await get('webhooks');
    for (const answer of answers) expect(answer).not.toContain(SECRET);

    const row = await store.db
      .selectFrom('webhooks')
      .selectAll()
      .where('webhook_id', '=', hook.webhook_id)
      .executeTakeFirstOrThrow();
    expect(row.secret).toMatch(/^v1\.[0-9a-f]{16}\./);
    const tables = ['webhooks', 'secret_keys', 'audit_events', 'audit_states'] as const;
    for (const table of tables) {
      const rows = await store.db.selectFrom(table).selectAll().execute();
      const text = JSON.stringify(rows);
      expect(text, table).not.toContain(SECRET);
      expect(text, table).not.toContain(Buffer.from(SECRET).toString('base64'));
      expect(text, table).not.toContain(Buffer.from(SECRET).toString('hex'));
    }
    // Two sealings of one secret differ: a fresh IV per value.
    const again = (await create({ name: 'sealed-again' })).body.webhook;
    const other = await store.db
      .selectFrom('webhooks')
      .select('secret')
      .where('webhook_id', '=', again.webhook_id)
      .executeTakeFirstOrThrow();
    expect(other.secret).not.toBe(row.secret);
  });

  it('records every webhook change in the audit log, and verify stays green', async () => {
    const events = await store.db
      .selectFrom('audit_events')
      .select(['action', 'entity_kind'])
      .where('entity_kind', 'in', ['webhook', 'secret_key'])
      .execute();
    const actions = new Set(events.map((e) => e.action));
    expect(actions).toEqual(new Set(['webhook.create', 'webhook.update', 'webhook.delete', 'secret_key.create']));
    expect(events.filter((e) => e.action === 'secret_key.create')).toHaveLength(1);
    const report = await verifyAuditTrail(store.db);
    expect(report.problems).toEqual([]);
  });

  it('lets verify find a webhook edited, inserted or deleted behind the server', async () => {
    const target = (await create({ name: 'tampered' })).body.webhook;
    const removed = (await create({ name: 'removed' })).body.webhook;
    const original = await store.db
      .selectFrom('webhooks')
      .selectAll()
      .where('webhook_id', '=', target.webhook_id)
      .executeTakeFirstOrThrow();
    const problemsAfter = async (tamper: () => Promise<unknown>, undo: () => Promise<unknown>) => {
      await tamper();
      const report = await verifyAuditTrail(store.db);
      await undo();
      return report.problems.map((p) => p.message).join('\n');
    };
    const restore = () =>
      store.db.updateTable('webhooks').set(original).where('webhook_id', '=', target.webhook_id).execute();
    const edit = (changes: Record<string, unknown>) => () =>
      store.db.updateTable('webhooks').set(changes).where('webhook_id', '=', target.webhook_id).execute();

    expect(await problemsAfter(edit({ url: 'https://attacker.example/collect' }), restore)).toMatch(
      new RegExp(`webhook ${target.webhook_id} was changed.*url`),
    );
    expect(await problemsAfter(edit({ secret: null }), restore)).toMatch(/secretDigest/);
    expect(
      await problemsAfter(edit({ events: JSON.stringify([{ entity: 'MODEL_VERSION_TAG', action: 'SET' }]) }), restore),
    ).toMatch(/events/);
    expect(
      await problemsAfter(edit({ status: 'ACTIVE' === original.status ? 'DISABLED' : 'ACTIVE' }), restore),
    ).toMatch(/status/);
    const removedRow = await store.db
      .selectFrom('webhooks')
      .selectAll()
      .where('webhook_id', '=', removed.webhook_id)
      .executeTakeFirstOrThrow();
    expect(
      await problemsAfter(
        () => store.db.deleteFrom('webhooks').where('webhook_id', '=', removed.webhook_id).execute(),
        () => store.db.insertInto('webhooks').values(removedRow).execute(),
      ),
    ).toMatch(new RegExp(`webhook ${removed.webhook_id}, created by event \\d+, was deleted`));
    expect(
      await problemsAfter(
        () =>
          store.db
            .insertInto('webhooks')
            .values({ ...removedRow, webhook_id: 'ffffffff-ffff-4fff-8fff-ffffffffffff' })
            .execute(),
        () =>
          store.db.deleteFrom('webhooks').where('webhook_id', '=', 'ffffffff-ffff-4fff-8fff-ffffffffffff').execute(),
      ),
    ).toMatch(/has no audit record: it was inserted directly/);
    const key = await store.db.selectFrom('secret_keys').selectAll().executeTakeFirstOrThrow();
    expect(
      await problemsAfter(
        () =>
          store.db
            .updateTable('secret_keys')
            .set({ key_material: Buffer.alloc(32, 7).toString('base64') })
            .execute(),
        () => store.db.updateTable('secret_keys').set({ key_material: key.key_material }).execute(),
      ),
    ).toMatch(new RegExp(`secret key ${key.key_id} was changed`));
    expect((await verifyAuditTrail(store.db)).problems).toEqual([]);
  });
});
