import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

interface Fixture {
  name: string;
  startTime: number;
  acc?: number | 'NaN';
  loss?: number;
  group: string;
  shard: string;
  /** A param and a tag some runs lack, with few distinct values so many runs tie on them. */
  optimizer?: string;
  team?: string;
}

/**
 * Deterministic pseudo-random runs: some lack `acc`, some log it as NaN, values tie, groups vary in size; some lack
 * the `optimizer` param or the `team` tag.
 */
function fixtures(count: number): Fixture[] {
  let state = 12345;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return Array.from({ length: count }, (_, i) => {
    const r = next();
    return {
      name: `r${i}`,
      startTime: 1_000_000 + Math.floor(next() * 20) * 1000, // many equal start times: the run id breaks ties
      ...(r < 0.2 ? {} : r < 0.3 ? { acc: 'NaN' as const } : { acc: Math.round(next() * 10) / 10 }),
      ...(next() < 0.5 ? { loss: Math.round(next() * 100) / 100 } : {}),
      group: `g${Math.floor(next() * 3)}`,
      shard: `s${Math.floor(next() * 8)}`,
      ...(next() < 0.7 ? { optimizer: ['adam', 'sgd', 'lbfgs'][Math.floor(next() * 3)] } : {}),
      ...(next() < 0.6 ? { team: `team${Math.floor(next() * 4)}` } : {}),
    };
  });
}

type Run = { runId: string; runName: string; startTime: number };

describe.each(backends)('run search order and paging across query plans on $name', (backend) => {
  const api = useTestServer(backend);
  let experimentId: string;
  const runs = fixtures(60);
  const ids = new Map<string, string>();

  beforeAll(async () => {
    const exp = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: 'search-order',
    });
    experimentId = exp.body.experiment.experimentId;
    for (const f of runs) {
      const created = await api.call<{ run: Run }>('POST', '/api/v1/runs', {
        experimentId,
        runName: f.name,
        startTime: f.startTime,
      });
      ids.set(f.name, created.body.run.runId);
      const metrics = [
        ...(f.acc === undefined ? [] : [{ key: 'acc', value: f.acc, step: 0, timestamp: 1 }]),
        ...(f.loss === undefined ? [] : [{ key: 'loss', value: f.loss, step: 0, timestamp: 1 }]),
      ];
      const batch = await api.call('POST', `/api/v1/runs/${created.body.run.runId}/batch`, {
        metrics,
        params: { group: f.group, shard: f.shard, ...(f.optimizer ? { optimizer: f.optimizer } : {}) },
        ...(f.team ? { tags: { team: f.team } } : {}),
      });
      expect(batch.status).toBe(200);
    }
  });

  type SortKey = 'acc' | 'loss' | 'optimizer' | 'team';
  const sortFields: Record<SortKey, string> = {
    acc: 'metrics.acc',
    loss: 'metrics.loss',
    optimizer: 'params.optimizer',
    team: 'tags.team',
  };

  /** The order MLflow defines: the sort key (missing or NaN last either way), newest first, then run id. */
  function expected(filter: (f: Fixture) => boolean, key: SortKey, ascending: boolean): string[] {
    const value = (f: Fixture) => (f[key] === 'NaN' ? undefined : f[key]);
    const runId = (f: Fixture) => ids.get(f.name)!;
    return runs
      .filter(filter)
      .sort((a, b) => {
        const va = value(a);
        const vb = value(b);
        if (va === undefined || vb === undefined) {
          if (va !== vb) return va === undefined ? 1 : -1;
        } else if (va !== vb) {
          return (va < vb ? -1 : 1) * (ascending ? 1 : -1);
        }
        if (a.startTime !== b.startTime) return b.startTime - a.startTime;
        return runId(a) < runId(b) ? -1 : runId(a) > runId(b) ? 1 : 0;
      })
      .map((f) => f.name);
  }

  async function pages(filter: string | undefined, orderBy: string, pageSize: number): Promise<string[]> {
    const names: string[] = [];
    let pageToken: string | undefined;
    do {
      const { status, body } = await api.call<{ runs: Run[]; nextPageToken?: string }>('POST', '/api/v1/runs/search', {
        experimentIds: [experimentId],
        ...(filter ? { filter } : {}),
        orderBy: [orderBy],
        maxResults: pageSize,
        ...(pageToken ? { pageToken } : {}),
      });
      expect(status).toBe(200);
      names.push(...body.runs.map((r) => r.runName));
      pageToken = body.nextPageToken;
    } while (pageToken);
    return names;
  }

  const cases: { filter?: string; keep: (f: Fixture) => boolean }[] = [
    { keep: () => true },
    { filter: 'metrics.loss > 0.3', keep: (f) => f.loss !== undefined && f.loss > 0.3 },
    { filter: "params.group = 'g1'", keep: (f) => f.group === 'g1' },
    {
      filter: "params.group = 'g2' and params.shard != 's3' and metrics.loss < 0.8",
      keep: (f) => f.group === 'g2' && f.shard !== 's3' && f.loss !== undefined && f.loss < 0.8,
    },
    { filter: "params.shard = 'no-such-shard'", keep: () => false },
  ];

  it('pages through every plan in the same order as a full sort', async () => {
    for (const { filter, keep } of cases) {
      for (const key of ['acc', 'loss', 'optimizer', 'team'] as const) {
        for (const ascending of [true, false]) {
          const want = expected(keep, key, ascending);
          for (const pageSize of [4, 100]) {
            const got = await pages(filter, `${sortFields[key]} ${ascending ? 'ASC' : 'DESC'}`, pageSize);
            expect(got, `${filter} by ${key} ${ascending ? 'asc' : 'desc'} in pages of ${pageSize}`).toEqual(want);
          }
        }
      }
    }
  });

  it('starts a page past the last run with the metric at the right run', async () => {
    const want = expected(() => true, 'acc', false);
    const withAcc = runs.filter((f) => typeof f.acc === 'number').length;
    // A page that starts exactly where runs without `acc` begin, and one that starts well inside them.
    for (const offset of [withAcc, withAcc + 3]) {
      const first = await api.call<{ nextPageToken?: string }>('POST', '/api/v1/runs/search', {
        experimentIds: [experimentId],
        orderBy: ['metrics.acc DESC'],
        maxResults: offset,
      });
      const rest = await api.call<{ runs: Run[] }>('POST', '/api/v1/runs/search', {
        experimentIds: [experimentId],
        orderBy: ['metrics.acc DESC'],
        maxResults: 5,
        pageToken: first.body.nextPageToken,
      });
      expect(rest.body.runs.map((r) => r.runName)).toEqual(want.slice(offset, offset + 5));
    }
  });
});
