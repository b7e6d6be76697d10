import { describe, expect, it } from 'vitest';
import { Mnemo, MnemoApiError } from '../../src/sdk/index.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { batchRequests, countingFetch } from './counting-fetch.js';

describe.each(backends)('SDK error mapping on $name', (backend) => {
  const api = useTestServer(backend);

  it('turns {error_code, message} answers into MnemoApiError and does not retry them', async () => {
    const { fetch, requests } = countingFetch();
    const mnemo = new Mnemo({ url: api.url, fetch, retry: { attempts: 5, baseDelayMs: 1, maxDelayMs: 5 } });
    const missing = await mnemo.getExperiment('424242').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(MnemoApiError);
    expect(missing).toMatchObject({
      status: 404,
      errorCode: 'RESOURCE_DOES_NOT_EXIST',
      message: 'Could not find experiment with ID 424242',
      attempts: 1,
    });
    expect(requests).toHaveLength(1);

    await mnemo.createExperiment('errors/dup');
    await expect(mnemo.createExperiment('errors/dup')).rejects.toMatchObject({
      status: 409,
      errorCode: 'RESOURCE_ALREADY_EXISTS',
      message: "Experiment 'errors/dup' already exists.",
    });
    await expect(mnemo.searchRuns({ experimentIds: ['0'], filter: 'metrics.loss <<< 1' })).rejects.toMatchObject({
      status: 400,
      errorCode: 'INVALID_PARAMETER_VALUE',
    });
    await expect(mnemo.getRun('no/such run?')).rejects.toMatchObject({ status: 404 });
  });

  it('reports a refused param change and keeps the first value', async () => {
    const mnemo = new Mnemo({ url: api.url });
    const run = await mnemo.startRun({ experimentName: 'errors', params: { lr: 0.1 } });
    await run.logParams({ lr: 0.1 });
    const refused = await run.logParams({ lr: 0.2 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 400, errorCode: 'INVALID_PARAMETER_VALUE' });
    expect((refused as Error).message).toContain("key='lr'");
    expect((await mnemo.getRun(run.id)).params).toEqual({ lr: '0.1' });
    await run.end();
  });

  it('ends a run FAILED when its starting params are refused', async () => {
    const mnemo = new Mnemo({ url: api.url });
    const refused = await mnemo
      .startRun({ experimentName: 'errors/params', params: { 'bad key!': 1 } })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 400, errorCode: 'INVALID_PARAMETER_VALUE' });
    const experiment = await mnemo.getExperimentByName('errors/params');
    const runs = await mnemo.searchRuns({ experimentIds: [experiment!.experimentId] });
    expect(runs.runs.map((r) => [r.status, r.params])).toEqual([['FAILED', {}]]);
  });

  it('reports a batch the server refuses from flush(), drops it and stores none of it', async () => {
    const { fetch, requests } = countingFetch();
    const mnemo = new Mnemo({ url: api.url, fetch, retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5 } });
    const run = await mnemo.startRun({ experimentName: 'errors' });
    run.logMetric('ok', 1, 0);
    run.logMetric('not allowed!', 2, 0);
    const refused = await run.flush().catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 400, errorCode: 'INVALID_PARAMETER_VALUE' });
    expect((refused as Error).message).toContain('not allowed!');
    expect(batchRequests(requests)).toHaveLength(1);
    expect(run.pendingPoints).toBe(0);
    expect((await mnemo.getRun(run.id)).metrics).toEqual([]);
    run.logMetric('ok', 3, 1);
    await run.end();
    expect((await mnemo.metricHistory(run.id, 'ok')).map((m) => m.value)).toEqual([3]);
  });

  it('reports a refused background flush on the next flush()', async () => {
    const mnemo = new Mnemo({ url: api.url, maxBatchPoints: 2, flushIntervalMs: 60_000 });
    const run = await mnemo.startRun({ experimentName: 'errors' });
    run.logMetric('bad key!', 1);
    run.logMetric('bad key!', 2);
    await expect(run.flush()).rejects.toMatchObject({ status: 400 });
    await expect(run.flush()).resolves.toBeUndefined();
    await run.end();
  });

  it('checks arguments before anything is sent', async () => {
    const mnemo = new Mnemo({ url: api.url });
    const run = await mnemo.startRun({ experimentName: 'errors' });
    expect(() => run.logMetric('', 1)).toThrow(TypeError);
    expect(() => run.logMetric('x', '1' as unknown as number)).toThrow(/must be a number/);
    expect(() => run.logMetric('x', 1, 1.5)).toThrow(/step must be an integer/);
    await expect(run.end('RUNNING')).rejects.toThrow(/FINISHED, FAILED, KILLED/);
    expect(run.pendingPoints).toBe(0);
    await run.end();
  });
});
