import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import type { WireRun } from '../../src/sdk/wire/shapes.js';
import type { WriteTransactionStats } from '../../src/services/unit-of-work.js';
import type { Store } from '../../src/store/store.js';
import { backends } from '../support/backends.js';
import { type TestServer, useTestServer } from '../support/test-server.js';

interface AuditEvent {
  seq: number;
  action: string;
  entityId: string;
}

/**
 * A storage-level refusal, as a constraint the database enforces: inserting a run tag with this value fails inside
 * the database, after the batch that carries it has already written its params and metrics.
 */
async function refuseTagValue(store: Store, value: string): Promise<void> {
  if (store.dialect === 'sqlite') {
    await sql
      .raw(
        `create trigger refuse_tag_value before insert on run_tags when new.value = '${value}'
         begin select raise(abort, 'tag value refused'); end`,
      )
      .execute(store.db);
    return;
  }
  await sql
    .raw(
      `create function refuse_tag_value() returns trigger language plpgsql as $$
       begin if new.value = '${value}' then raise exception 'tag value refused'; end if; return new; end $$`,
    )
    .execute(store.db);
  await sql
    .raw('create trigger refuse_tag_value before insert on run_tags for each row execute function refuse_tag_value()')
    .execute(store.db);
}

async function createRuns(api: TestServer, experimentName: string, count: number): Promise<string[]> {
  const { body } = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
    name: experimentName,
  });
  const runIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', {
      experimentId: body.experiment.experimentId,
    });
    runIds.push(created.body.run.runId);
  }
  return runIds;
}

/**
 * Opens `count` kept-alive connections to the server. The client runs in the server's process, so a burst sent over
 * connections still being opened trickles in one request per turn; over open ones it arrives at once, as a burst
 * from many client processes does.
 */
async function openConnections(api: TestServer, count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, () => api.call('GET', '/health')));
}

/** A burst of writes shares commits: fewer transactions than writes, at least one of them holding several. */
function expectSharedTransactions(before: WriteTransactionStats, after: WriteTransactionStats, writes: number) {
  expect(after.writes - before.writes).toBe(writes);
  expect(after.transactions - before.transactions).toBeLessThan(writes);
}

async function allEvents(api: TestServer): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let token: string | undefined;
  do {
    const page = await api.call<{ events: AuditEvent[]; nextPageToken?: string }>(
      'GET',
      `/api/v1/audit/events?maxResults=1000${token ? `&pageToken=${token}` : ''}`,
    );
    events.push(...page.body.events);
    token = page.body.nextPageToken;
  } while (token);
  return events;
}

describe.each(backends)('group commit on $name', (backend) => {
  const api = useTestServer(backend);

  it('runs concurrent writes in shared commits, and a failing write takes back only its own changes', async () => {
    await refuseTagValue(api.server.store, 'poison');
    const runIds = await createRuns(api, 'grouped', 12);
    for (const run_id of runIds) {
      await api.call('POST', '/api/2.0/mlflow/runs/log-parameter', { run_id, key: 'fixed', value: '1' });
    }
    const eventsBefore = (await allEvents(api)).length;
    await openConnections(api, 36);
    const statsBefore = api.server.services.unitOfWork.stats();
    const refusedBatch = 3; // its tag is refused by the database after its params and metrics were written
    const changedParam = 5; // bad input: a param may not change its value
    const responses = await Promise.all(
      runIds.flatMap((run_id, i) => [
        api.call('POST', `/api/v1/runs/${run_id}/batch`, {
          params: { [`p${i}`]: `v${i}` },
          metrics: [
            { key: 'loss', value: i, step: 1, timestamp: 1000 },
            { key: 'loss', value: i / 2, step: 2, timestamp: 2000 },
          ],
          tags: { t: i === refusedBatch ? 'poison' : `ok${i}` },
        }),
        api.call('POST', '/api/2.0/mlflow/runs/log-parameter', {
          run_id,
          key: 'fixed',
          value: i === changedParam ? 'changed' : '1',
        }),
        api.call('POST', '/api/2.0/mlflow/runs/set-tag', { run_id, key: 'phase', value: `burst${i}` }),
      ]),
    );
    const statsAfter = api.server.services.unitOfWork.stats();

    const statuses = responses.map((r) => r.status);
    const expected = runIds.flatMap((_, i) => [i === refusedBatch ? 500 : 200, i === changedParam ? 400 : 200, 200]);
    expect(statuses).toEqual(expected);
    expect(responses[changedParam * 3 + 1]!.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    expect(responses[refusedBatch * 3]!.body).toMatchObject({ error_code: 'INTERNAL_ERROR' });
    expectSharedTransactions(statsBefore, statsAfter, 36);

    for (const [i, runId] of runIds.entries()) {
      const { body } = await api.call<{ run: WireRun }>('GET', `/api/v1/runs/${runId}`);
      const { params, tags, metrics } = body.run;
      expect(params.fixed).toBe('1');
      expect(tags.phase).toBe(`burst${i}`);
      if (i === refusedBatch) {
        // Nothing of the refused batch is left: neither the params nor the points it wrote before the refusal.
        expect(params).toEqual({ fixed: '1' });
        expect(tags.t).toBeUndefined();
        expect(metrics).toEqual([]);
        const history = await api.call<{ metrics: unknown[] }>('GET', `/api/v1/runs/${runId}/metrics/loss/history`);
        expect(history.body.metrics ?? []).toEqual([]);
      } else {
        expect(params[`p${i}`]).toBe(`v${i}`);
        expect(tags.t).toBe(`ok${i}`);
        expect(metrics).toMatchObject([{ key: 'loss', value: i / 2, step: 2 }]);
      }
    }

    // Every successful write left exactly one event, the failed ones none, and the chain still verifies.
    const events = (await allEvents(api)).slice(eventsBefore);
    expect(events).toHaveLength(34);
    const batchesLogged = events.filter((e) => e.action === 'run.log_batch' && e.entityId === runIds[refusedBatch]);
    expect(batchesLogged).toHaveLength(1); // the param logged with the same value, not the refused batch
    const verified = await auditVerify({ backendStoreUri: api.backendUri });
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
  }, 60_000);

  it('keeps the audit chain whole and verifiable after a burst of concurrent grouped writes', async () => {
    const runIds = await createRuns(api, 'burst', 8);
    const eventsBefore = (await allEvents(api)).length;
    await openConnections(api, 80);
    const statsBefore = api.server.services.unitOfWork.stats();
    const responses = await Promise.all(
      Array.from({ length: 80 }, (_, n) => {
        const run_id = runIds[n % runIds.length]!;
        switch (n % 4) {
          case 0:
            return api.call('POST', `/api/v1/runs/${run_id}/batch`, {
              metrics: Array.from({ length: 50 }, (_, s) => ({ key: `m${n % 3}`, value: s * n, step: n * 100 + s })),
            });
          case 1:
            return api.call('POST', '/api/2.0/mlflow/runs/log-parameter', { run_id, key: `p${n}`, value: `${n}` });
          case 2:
            return api.call('POST', '/api/2.0/mlflow/runs/set-tag', { run_id, key: 'last', value: `${n}` });
          default:
            return api.call('POST', '/api/2.0/mlflow/runs/log-metric', {
              run_id,
              key: 'acc',
              value: n / 100,
              timestamp: 5000 + n,
              step: n,
            });
        }
      }),
    );
    expect(responses.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    const statsAfter = api.server.services.unitOfWork.stats();
    expectSharedTransactions(statsBefore, statsAfter, 80);

    const events = await allEvents(api);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.length - eventsBefore).toBe(80);
    const verified = await auditVerify({ backendStoreUri: api.backendUri });
    expect(verified.stderr).toBe('');
    expect(verified.stdout).toMatch(new RegExp(`intact: ${events.length} events`));
  }, 60_000);
});
