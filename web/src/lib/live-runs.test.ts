import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { RunSearch } from '../api/client.js';
import type { Run, RunStatus } from '../api/types.js';
import { type RunRow, toRunRow } from './columns.js';
import { refreshLiveRuns } from './live-runs.js';

function run(id: string, status: RunStatus, startTime: number, loss: number): Run {
  return {
    runId: id,
    experimentId: '1',
    runName: id,
    userId: 'u',
    status,
    startTime,
    endTime: status === 'RUNNING' ? null : startTime + 1,
    artifactUri: '',
    lifecycleStage: 'active',
    parentRunId: null,
    params: {},
    tags: {},
    metrics: [{ key: 'loss', value: loss, step: 0, timestamp: startTime }],
    inputs: [],
    modelOutputs: [],
    modelInputs: [],
  };
}

interface Request {
  body: RunSearch;
  answer: (runs: Run[]) => void;
}

/** A search endpoint that answers only when the test says so, in whatever order the test chooses. */
function controlledSearch() {
  const requests: Request[] = [];
  // Like an answer already on its way, a request here is not withdrawn by an abort.
  const searchRuns = (body: RunSearch) =>
    new Promise<{ runs: Run[] }>((resolve) => requests.push({ body, answer: (runs) => resolve({ runs }) }));
  /** The next request the refresh sends, once it has sent it. */
  const next = async (): Promise<Request> => {
    await expect.poll(() => requests.length).toBeGreaterThan(0);
    return requests.shift()!;
  };
  return { searchRuns, next };
}

const key = ['experiment', '1', 'runs', 'params.lr = 0.1', ['attributes.start_time DESC']] as const;
const search = { experimentId: '1', filter: 'params.lr = 0.1', queryKey: key };
const statuses = (client: QueryClient) =>
  client.getQueryData<RunRow[]>(key)?.map((r) => `${r.run.runId}:${r.run.status}:${r.metrics.loss}`);

describe('refreshLiveRuns', () => {
  it('writes the running runs it re-read into the rows and counts runs started since, within the search', async () => {
    const client = new QueryClient();
    client.setQueryData<RunRow[]>(key, [toRunRow(run('b', 'RUNNING', 20, 2)), toRunRow(run('a', 'FINISHED', 10, 1))]);
    const server = controlledSearch();
    const pass = refreshLiveRuns(client, search, server.searchRuns, new AbortController().signal);

    const byId = await server.next();
    expect(byId.body.filter).toBe("attributes.run_id IN ('b')");
    byId.answer([run('b', 'FINISHED', 20, 0.5)]);
    const since = await server.next();
    expect(since.body.filter).toBe('params.lr = 0.1 and attributes.start_time > 20');
    since.answer([run('c', 'RUNNING', 30, 3)]);

    expect(await pass).toBe(1);
    expect(statuses(client)).toEqual(['b:FINISHED:0.5', 'a:FINISHED:1']);
  });

  it('drops its answer when a newer answer replaced the rows while it waited', async () => {
    const client = new QueryClient();
    client.setQueryData<RunRow[]>(key, [toRunRow(run('b', 'RUNNING', 20, 2))]);
    const server = controlledSearch();
    const pass = refreshLiveRuns(client, search, server.searchRuns, new AbortController().signal);
    const byId = await server.next();

    // A reload asks later and is answered first: the run has finished.
    await client.fetchQuery({ queryKey: key, queryFn: () => [toRunRow(run('b', 'FINISHED', 20, 0.5))] });
    // The refresh, asked earlier, is answered now with the state the run had then.
    byId.answer([run('b', 'RUNNING', 20, 1.5)]);
    (await server.next()).answer([]);

    expect(await pass).toBeUndefined();
    expect(statuses(client)).toEqual(['b:FINISHED:0.5']);
  });

  it('drops its answer while a fetch of the rows is under way', async () => {
    const client = new QueryClient();
    client.setQueryData<RunRow[]>(key, [toRunRow(run('b', 'RUNNING', 20, 2))]);
    const server = controlledSearch();
    const pass = refreshLiveRuns(client, search, server.searchRuns, new AbortController().signal);
    const byId = await server.next();

    let finishReload: (rows: RunRow[]) => void = () => {};
    const reload = client.fetchQuery({
      queryKey: key,
      queryFn: () => new Promise<RunRow[]>((resolve) => (finishReload = resolve)),
      staleTime: 0,
    });
    byId.answer([run('b', 'RUNNING', 20, 1.5)]);
    (await server.next()).answer([run('c', 'RUNNING', 30, 3)]);
    expect(await pass).toBeUndefined();
    expect(statuses(client)).toEqual(['b:RUNNING:2']);

    finishReload([toRunRow(run('b', 'FINISHED', 20, 0.5))]);
    await reload;
    expect(statuses(client)).toEqual(['b:FINISHED:0.5']);
  });

  it('writes nothing once aborted, as when the search changes under it', async () => {
    const client = new QueryClient();
    client.setQueryData<RunRow[]>(key, [toRunRow(run('b', 'RUNNING', 20, 2))]);
    const server = controlledSearch();
    const controller = new AbortController();
    const pass = refreshLiveRuns(client, search, server.searchRuns, controller.signal);
    const byId = await server.next();
    controller.abort();
    byId.answer([run('b', 'FINISHED', 20, 0.5)]);
    (await server.next()).answer([run('c', 'RUNNING', 30, 3)]);

    expect(await pass).toBeUndefined();
    expect(statuses(client)).toEqual(['b:RUNNING:2']);
  });
});
