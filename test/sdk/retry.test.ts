import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Mnemo, MnemoApiError, MnemoConnectionError } from '../../src/sdk/index.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { type Fault, type FaultProxy, type SeenRequest, startFaultProxy } from './fault-proxy.js';

const fastRetry = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

const isBatch = (r: SeenRequest) => r.method === 'POST' && r.path.endsWith('/batch');

/** Applies `faults` in order to the requests `matches` picks; every other request passes. */
function script(matches: (r: SeenRequest) => boolean, faults: Fault[]) {
  let seen = 0;
  return (request: SeenRequest): Fault => (matches(request) ? (faults[seen++] ?? 'pass') : 'pass');
}

describe.each(backends)('SDK retries on $name', (backend) => {
  const api = useTestServer(backend);
  let proxy: FaultProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  it('re-sends batches whose answer was lost and then refused, and the server keeps each point once', async () => {
    const lostThenRefused: Fault[] = ['drop-answer', 'forward-then-503', 'pass'];
    proxy = await startFaultProxy(api.url, script(isBatch, [...lostThenRefused, ...lostThenRefused]));
    const mnemo = new Mnemo({ url: proxy.url, retry: fastRetry, flushIntervalMs: 60_000 });
    const run = await mnemo.startRun({ experimentName: 'retries' });
    for (let step = 0; step < 1000; step++) run.logMetric('loss', 1000 - step, step);
    await run.logParams({ seed: 42 });
    await run.end();

    const bodies = proxy.seen.filter(isBatch).map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => Object.keys(b))).toEqual([
      ['params'],
      ['params'],
      ['params'],
      ...Array(3).fill(['series']),
    ]);
    expect(bodies[4]).toEqual(bodies[3]);
    expect(bodies[5]).toEqual(bodies[3]);
    expect(bodies[3].series[0].values).toHaveLength(1000);

    const direct = new Mnemo({ url: api.url });
    const history = await direct.metricHistory(run.id, 'loss');
    expect(history).toHaveLength(1000);
    expect(history.map((m) => m.step)).toEqual([...Array(1000).keys()]);
    const stored = await direct.getRun(run.id);
    expect(stored.status).toBe('FINISHED');
    expect(stored.params).toEqual({ seed: '42' });
  });

  it('tries as often as MNEMO_HTTP_REQUEST_MAX_RETRIES says when no option is given', async () => {
    const isCreate = (r: SeenRequest) => r.method === 'POST' && r.path === '/api/v1/experiments';
    proxy = await startFaultProxy(api.url, (r) => (isCreate(r) ? 'refuse-503' : 'pass'));
    const saved = { ...process.env };
    try {
      process.env.MNEMO_HTTP_REQUEST_MAX_RETRIES = '2';
      process.env.MNEMO_HTTP_REQUEST_BACKOFF_FACTOR = '0.005';
      const mnemo = new Mnemo({ url: proxy.url });
      await expect(mnemo.createExperiment('retries/env')).rejects.toBeInstanceOf(MnemoApiError);
      expect(proxy.seen.filter(isCreate)).toHaveLength(3);
    } finally {
      process.env = saved;
    }
  });

  it('finds the run an earlier attempt created instead of creating a second one', async () => {
    const isCreate = (r: SeenRequest) => r.method === 'POST' && r.path === '/api/v1/runs';
    proxy = await startFaultProxy(api.url, script(isCreate, ['drop-answer']));
    const mnemo = new Mnemo({ url: proxy.url, retry: fastRetry });
    const experiment = await mnemo.createExperiment('retries/create');
    const run = await mnemo.startRun({ experimentId: experiment.experimentId, runName: 'only-once' });
    expect(proxy.seen.filter(isCreate)).toHaveLength(1);
    const runs = await mnemo.searchRuns({ experimentIds: [experiment.experimentId] });
    expect(runs.runs.map((r) => r.runId)).toEqual([run.id]);
    await run.end();
  });

  it('does not create the run again while it cannot tell whether the lost attempt took effect', async () => {
    const isCreate = (r: SeenRequest) => r.method === 'POST' && r.path === '/api/v1/runs';
    const isSearch = (r: SeenRequest) => r.method === 'POST' && r.path === '/api/v1/runs/search';
    let searches = 0;
    proxy = await startFaultProxy(api.url, (r) => {
      if (isCreate(r)) return proxy!.seen.filter(isCreate).length === 1 ? 'drop-answer' : 'pass';
      if (isSearch(r)) return ++searches <= fastRetry.attempts ? 'refuse-503' : 'pass';
      return 'pass';
    });
    const mnemo = new Mnemo({ url: proxy.url, retry: fastRetry });
    const run = await mnemo.startRun({ experimentName: 'retries/unsure', runName: 'once' });
    expect(proxy.seen.filter(isCreate)).toHaveLength(1);
    expect(searches).toBe(fastRetry.attempts + 1);
    const runs = await new Mnemo({ url: api.url }).searchRuns({ experimentIds: [run.experimentId] });
    expect(runs.runs.map((r) => r.runId)).toEqual([run.id]);
    await run.end();
  });

  it('sends the token on every request', async () => {
    proxy = await startFaultProxy(api.url, () => 'pass');
    const mnemo = new Mnemo({ url: proxy.url, token: 's3cret-token' });
    const run = await mnemo.startRun({ experimentName: 'retries/token' });
    run.logMetric('x', 1);
    await run.end();
    expect(proxy.seen.length).toBeGreaterThanOrEqual(4);
    expect(new Set(proxy.seen.map((r) => r.authorization))).toEqual(new Set(['Bearer s3cret-token']));
  });

  it('returns the experiment a lost creation made instead of failing on its own duplicate', async () => {
    const isCreate = (r: SeenRequest) => r.method === 'POST' && r.path === '/api/v1/experiments';
    proxy = await startFaultProxy(api.url, script(isCreate, ['drop-answer']));
    const mnemo = new Mnemo({ url: proxy.url, retry: fastRetry });
    const created = await mnemo.createExperiment('retries/lost-create', { tags: { team: 'a' } });
    expect(created).toMatchObject({ name: 'retries/lost-create', tags: { team: 'a' } });
    expect(proxy.seen.filter(isCreate)).toHaveLength(1);
  });

  it('treats an answer that never comes as lost, and retries after requestTimeoutMs', async () => {
    proxy = await startFaultProxy(api.url, script(isBatch, ['hang']));
    const mnemo = new Mnemo({ url: proxy.url, retry: fastRetry, requestTimeoutMs: 1000 });
    const run = await mnemo.startRun({ experimentName: 'retries' });
    run.logMetric('loss', 0.25, 3);
    const started = Date.now();
    await run.end();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(proxy.seen.filter(isBatch)).toHaveLength(2);
    const history = await new Mnemo({ url: api.url }).metricHistory(run.id, 'loss');
    expect(history.map((m) => [m.step, m.value])).toEqual([[3, 0.25]]);
  });

  it('gives up after the configured attempts with the last answer, keeping the points for a later flush', async () => {
    proxy = await startFaultProxy(api.url, script(isBatch, ['refuse-503', 'refuse-503', 'refuse-503']));
    const mnemo = new Mnemo({ url: proxy.url, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
    const run = await mnemo.startRun({ experimentName: 'retries' });
    run.logMetrics({ loss: 0.5, acc: 0.9 }, 1);
    const failure = await run.flush().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MnemoApiError);
    expect(failure).toMatchObject({ status: 503, errorCode: 'TEMPORARILY_UNAVAILABLE', attempts: 3 });
    expect((failure as Error).message).toMatch(/^POST \/api\/v1\/runs\/\w+\/batch failed after 3 attempts: injected/);
    expect(proxy.seen.filter(isBatch)).toHaveLength(3);
    expect(run.pendingPoints).toBe(2);

    await run.end();
    expect(proxy.seen.filter(isBatch)).toHaveLength(4);
    const stored = await mnemo.getRun(run.id);
    expect(stored.metrics.map((m) => [m.key, m.value])).toEqual([
      ['acc', 0.9],
      ['loss', 0.5],
    ]);
  });

  it('reports an unreachable server as a connection error after every attempt', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    let tries = 0;
    const mnemo = new Mnemo({
      url: `http://127.0.0.1:${closedPort}`,
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      fetch: (input, init) => {
        tries++;
        return fetch(input, init);
      },
    });
    const failure = await mnemo.getExperiment('0').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MnemoConnectionError);
    expect((failure as Error).message).toBe(
      `GET /api/v1/experiments/0 failed after 3 attempts: fetch failed (ECONNREFUSED)`,
    );
    expect(tries).toBe(3);
  });
});
