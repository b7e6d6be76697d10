import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mnemo } from '../../src/sdk/index.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

describe.each(backends)('SDK training loop on $name', (backend) => {
  const api = useTestServer(backend);
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'mnemo-sdk-'));
  });
  afterAll(() => rm(workDir, { recursive: true, force: true }));

  it('logs a whole training run and reads every part of it back', async () => {
    const mnemo = new Mnemo({ url: api.url });
    const run = await mnemo.startRun({
      experimentName: 'sdk/mnist',
      runName: 'cnn-baseline',
      tags: { team: 'vision' },
      params: { lr: 0.01, epochs: 3, optimizer: 'adam', augment: true },
    });
    const experiment = await mnemo.getExperimentByName('sdk/mnist');
    expect(experiment?.experimentId).toBe(run.experimentId);

    const losses: number[] = [];
    for (let step = 0; step < 300; step++) {
      const loss = 2 / (1 + step) + (step === 150 ? 5 : 0);
      losses.push(loss);
      run.logMetrics({ loss, accuracy: step / 300 }, step);
    }
    run.logMetric('grad_norm', Number.NaN, 1);
    run.logMetric('grad_norm', Number.POSITIVE_INFINITY, 2);
    await run.setTags({ stage: 'trained', team: 'perception' });
    await run.logInputs([{ name: 'mnist', digest: 'd41d8cd9', sourceType: 'local', source: '/data/mnist' }]);

    const weights = Buffer.alloc(256 * 1024, 7);
    const weightsFile = join(workDir, 'weights.bin');
    await writeFile(weightsFile, weights);
    const uploaded = await run.logArtifact(weightsFile, 'model');
    expect(uploaded).toMatchObject({
      path: 'model/weights.bin',
      size: weights.length,
      sha256: createHash('sha256').update(weights).digest('hex'),
    });
    await run.logArtifact({ path: 'notes/summary.txt', data: 'converged after 3 epochs' });

    const ended = await run.end();
    expect(ended.status).toBe('FINISHED');
    expect(ended.endTime).toBeGreaterThanOrEqual(ended.startTime);
    expect(() => run.logMetric('loss', 1)).toThrow(/has ended/);

    const stored = await mnemo.getRun(run.id);
    expect(stored.runName).toBe('cnn-baseline');
    expect(stored.params).toEqual({ lr: '0.01', epochs: '3', optimizer: 'adam', augment: 'true' });
    expect(stored.tags).toMatchObject({ team: 'perception', stage: 'trained', 'mlflow.runName': 'cnn-baseline' });
    expect(stored.inputs).toMatchObject([{ name: 'mnist', digest: 'd41d8cd9' }]);
    const latest = Object.fromEntries(stored.metrics.map((m) => [m.key, m]));
    expect(latest.loss).toMatchObject({ step: 299, value: losses[299] });
    expect(latest.grad_norm).toMatchObject({ step: 2, value: Number.POSITIVE_INFINITY });

    const history = await mnemo.metricHistory(run.id, 'loss');
    expect(history.map((m) => m.step)).toEqual(losses.map((_, i) => i));
    expect(history.map((m) => m.value)).toEqual(losses);
    const gradients = await mnemo.metricHistory(run.id, 'grad_norm');
    expect(gradients.map((m) => m.value)).toEqual([Number.NaN, Number.POSITIVE_INFINITY]);

    const sampled = await mnemo.metricHistory(run.id, 'loss', { points: 20 });
    expect(sampled.length).toBeLessThanOrEqual(20);
    expect(sampled.map((m) => m.value)).toContain(Math.max(...losses));
    expect(sampled.map((m) => m.value)).toContain(Math.min(...losses));

    const files = await mnemo.listArtifacts(run.id, 'model');
    expect(files.map((f) => f.path)).toEqual(['model/weights.bin']);
    expect(Buffer.from(await mnemo.downloadArtifact(run.id, 'model/weights.bin')).equals(weights)).toBe(true);
    const notes = new TextDecoder().decode(await mnemo.downloadArtifact(run.id, 'notes/summary.txt'));
    expect(notes).toBe('converged after 3 epochs');

    const found = await mnemo.searchRuns({
      experimentIds: [run.experimentId],
      filter: "metrics.accuracy > 0.9 and params.optimizer = 'adam' and attributes.status = 'FINISHED'",
    });
    expect(found.runs.map((r) => r.runId)).toEqual([run.id]);
  });

  it('uploads a directory of artifacts keeping its layout', async () => {
    const mnemo = new Mnemo({ url: api.url });
    const run = await mnemo.startRun({ experimentName: 'sdk/artifacts' });
    const dir = join(workDir, 'model-dir');
    await mkdir(join(dir, 'data'), { recursive: true });
    await writeFile(join(dir, 'MLmodel'), 'flavors: {}');
    await writeFile(join(dir, 'data', 'model.pkl'), Buffer.from([1, 2, 3]));
    const uploaded = await run.logArtifacts(dir, 'model');
    expect(uploaded.map((f) => f.path)).toEqual(['model/MLmodel', 'model/data/model.pkl']);
    await expect(run.logArtifact(dir)).rejects.toThrow(/is a directory; use logArtifacts/);
    await run.end('FAILED');
    expect((await mnemo.getRun(run.id)).status).toBe('FAILED');
  });

  it('finds or creates experiments and pages through every matching run', async () => {
    const mnemo = new Mnemo({ url: api.url });
    const first = await mnemo.getOrCreateExperiment('sdk/paging', { tags: { owner: 'ana' } });
    const again = await mnemo.getOrCreateExperiment('sdk/paging');
    expect(again.experimentId).toBe(first.experimentId);
    expect(again.tags).toEqual({ owner: 'ana' });
    expect(await mnemo.getExperimentByName('sdk/missing')).toBeUndefined();

    const parent = await mnemo.startRun({ experimentId: first.experimentId, runName: 'sweep' });
    const children: string[] = [];
    for (let i = 0; i < 5; i++) {
      const child = await mnemo.startRun({
        experimentId: first.experimentId,
        runName: `trial-${i}`,
        parentRunId: parent.id,
        params: { trial: i },
      });
      child.logMetric('score', i / 10);
      await child.end();
      children.push(child.id);
    }
    const page = await mnemo.searchRuns({
      experimentIds: [first.experimentId],
      filter: `tags.mlflow.parentRunId = '${parent.id}'`,
      orderBy: ['metrics.score DESC'],
      maxResults: 2,
    });
    expect(page.runs.map((r) => r.runName)).toEqual(['trial-4', 'trial-3']);
    expect(page.nextPageToken).toBeTruthy();

    const all: string[] = [];
    for await (const run of mnemo.searchAllRuns({
      experimentIds: [first.experimentId],
      filter: `tags.mlflow.parentRunId = '${parent.id}'`,
      orderBy: ['metrics.score ASC'],
      maxResults: 2,
    })) {
      all.push(run.runId);
    }
    expect(all).toEqual(children);

    await mnemo.createExperiment('sdk/paging-2');
    const experiments: string[] = [];
    for await (const e of mnemo.searchAllExperiments({ filter: "name LIKE 'sdk/paging%'", maxResults: 1 })) {
      experiments.push(e.name);
    }
    expect(experiments.sort()).toEqual(['sdk/paging', 'sdk/paging-2']);
    await parent.end();
  });
});
