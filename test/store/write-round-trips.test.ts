import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentContext } from '../../src/services/request-context.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

/**
 * On PostgreSQL the writes of all clients run one group at a time, each group holding the audit log's lock, so the
 * statements a write sends (each a round trip) bound how many writes a second the database takes. This pins how
 * many a training loop's metric batch and a run creation send, so a change that adds one is seen here and not only
 * in the load benchmark. Counted at the driver: every query any pooled client of the server sends on behalf of a
 * request. The server's own timers (checkpoints, saved-search alerts) query on behalf of none and are left out: on
 * a busy machine one of them may fire while a request is measured.
 */
describe.each(backends.filter((b) => b.name === 'postgres'))('round trips of hot writes on $name', (backend) => {
  const api = useTestServer(backend);
  const sent: string[] = [];
  const query = pg.Client.prototype.query;
  beforeAll(() => {
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const [config] = args;
      if (currentContext().requestId !== 'internal')
        sent.push(typeof config === 'string' ? config : String((config as { text?: string })?.text));
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof query;
  });
  // Test files share a process: the driver must be left as it was.
  afterAll(() => {
    pg.Client.prototype.query = query;
  });

  const counted = async <T>(write: () => Promise<T>): Promise<{ value: T; statements: string[] }> => {
    sent.length = 0;
    const value = await write();
    return { value, statements: [...sent] };
  };

  it('sends at most 6 statements for a 10-metric MLflow batch, 18 for a run creation and 6 or 5 for a search', async () => {
    const { body } = await api.call<{ experiment_id: string }>('POST', '/api/2.0/mlflow/experiments/create', {
      name: 'round-trips',
    });
    const create = () =>
      api.call<{ run: { info: { run_id: string } } }>('POST', '/api/2.0/mlflow/runs/create', {
        experiment_id: body.experiment_id,
      });
    const batch = (runId: string, step: number) =>
      api.call('POST', '/api/2.0/mlflow/runs/log-batch', {
        run_id: runId,
        metrics: Array.from({ length: 10 }, (_, k) => ({ key: `m${k}`, value: k + step, timestamp: step, step })),
      });
    const first = await create();
    const runId = first.body.run.info.run_id;
    // The first batch brings the keys, which rewrites the run's document; later ones only refresh its values.
    expect((await batch(runId, 0)).status).toBe(200);

    const logged = await counted(() => batch(runId, 1));
    expect(logged.value.status).toBe(200);
    // BEGIN, the log head's lock, the points written with the run and the keys' latest points read in the same
    // statement, the document's numbers refreshed with the facts that decide it, the audit append, COMMIT. The
    // Merkle frontier is not read: the server appended the last events itself.
    expect(logged.statements.length, logged.statements.join('\n')).toBeLessThanOrEqual(6);

    const created = await counted(create);
    expect(created.value.status).toBe(200);
    // Besides the transaction and the audit append: the experiment, the run written, its tags written and read back,
    // the sensitivity policy (its experiment's tag and schema subjects in one read), the naming rules and
    // vocabularies, and the run's search document read and rewritten.
    expect(created.statements.length, created.statements.join('\n')).toBeLessThanOrEqual(18);

    const search = (filter: string, orderBy: string[] = []) =>
      counted(() =>
        api.call('POST', '/api/2.0/mlflow/runs/search', {
          experiment_ids: [body.experiment_id],
          filter,
          order_by: orderBy,
          max_results: 50,
        }),
      );
    const searched = await search("metrics.m0 > 0.5 and params.p = 'v'");
    expect(searched.value.status).toBe(200);
    // A consistent snapshot (BEGIN with its settings, COMMIT), the sensitivity policy in one read, the page of runs,
    // their values and their completeness.
    expect(searched.statements.length, searched.statements.join('\n')).toBeLessThanOrEqual(6);
    // Comparing and ordering by no param or tag, nothing can be refused as sensitive: no policy is read.
    const byMetric = await search('metrics.m0 > 0.5 and params.p IS NOT NULL', ['metrics.m1 DESC']);
    expect(byMetric.value.status).toBe(200);
    expect(byMetric.statements.length, byMetric.statements.join('\n')).toBeLessThanOrEqual(5);
  });
});
