import { given } from '../../support/builders.js';
import type { TestServer } from '../../support/test-server.js';

export interface SeededRun {
  runId: string;
  name: string;
  lr: number;
  optimizer: string;
  finalLoss: number;
  finalAcc: number;
}

export interface Seed {
  experimentId: string;
  experimentName: string;
  runs: SeededRun[];
  running: SeededRun;
}

/** A tiny PNG (2×2, red and blue) so image previews have something real to decode. */
export const PNG_2X2 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEUlEQVR4nGP4zwAEIOI/kAAAG/ID/VxhF44AAAAASUVORK5CYII=',
  'base64',
);

/**
 * A small hyper-parameter sweep logged over HTTP as a client would: 12 runs with params, 100-step loss/accuracy
 * curves, tags, a dataset input, artifacts of several kinds on the first run, and one run still RUNNING.
 */
export async function seedSweep(api: TestServer, experimentName = 'mnist-sweep'): Promise<Seed> {
  const experiment = await given(api).experiment(experimentName);
  const experimentId = experiment.experimentId;
  const runs: SeededRun[] = [];
  const optimizers = ['adam', 'sgd', 'adamw'];
  const start = Date.UTC(2026, 0, 5, 9, 0, 0);
  for (let i = 0; i < 12; i++) {
    const lr = [0.001, 0.003, 0.01, 0.03][i % 4]!;
    const optimizer = optimizers[i % 3]!;
    const name = `run-${String(i).padStart(2, '0')}-${optimizer}`;
    const startTime = start + i * 600_000;
    const run = await experiment.run({
      runName: name,
      userId: i % 2 === 0 ? 'ana' : 'ben',
      startTime,
      tags: {
        team: i < 6 ? 'vision' : 'research',
        'mlflow.source.name': 'train.py',
        'mlflow.source.git.commit': `${(0xabc1230 + i).toString(16)}deadbeefcafe00112233445566778899`.slice(0, 40),
      },
    });
    const quality = 1 / (1 + Math.abs(Math.log10(lr) + 2)) + (optimizer === 'adam' ? 0.1 : 0);
    const metrics: { key: string; value: number; step: number; timestamp: number }[] = [];
    for (let step = 0; step < 100; step++) {
      const loss = 2.5 * Math.exp(-step * 0.04 * quality) + 0.05 * (1 - quality) + 0.01 * Math.sin(step + i);
      const acc = Math.min(0.99, 0.5 + 0.45 * (1 - Math.exp(-step * 0.05 * quality)));
      metrics.push({ key: 'loss', value: loss, step, timestamp: startTime + step * 1000 });
      metrics.push({ key: 'accuracy', value: acc, step, timestamp: startTime + step * 1000 });
    }
    await run.log({
      params: { lr: String(lr), optimizer, batch_size: String(32 * (1 + (i % 2))), seed: String(1000 + i) },
      metrics,
      tags: { 'python.version': i % 4 === 0 ? '3.11.9' : '3.12.4' },
    });
    await run.finish('FINISHED', startTime + 100_000 + i * 1000);
    const last = (key: string) => metrics.filter((m) => m.key === key).at(-1)!.value;
    runs.push({ runId: run.runId, name, lr, optimizer, finalLoss: last('loss'), finalAcc: last('accuracy') });
  }

  const first = runs[0]!.runId;
  await given(api)
    .existingRun(first)
    .inputs([
      {
        name: 'mnist-train',
        digest: 'd41d8cd9',
        sourceType: 's3',
        source: 's3://datasets/mnist/train.parquet',
        tags: { 'mlflow.data.context': 'training' },
      },
    ]);
  const upload = async (path: string, body: string | Buffer) => {
    const response = await fetch(`${api.url}/api/v1/runs/${first}/artifacts/${path}`, { method: 'PUT', body });
    if (response.status !== 201) throw new Error(`upload ${path} → ${response.status}`);
  };
  await upload('metrics/summary.json', JSON.stringify({ loss: 0.05, accuracy: 0.98, classes: [0, 1, 2] }));
  await upload('data/predictions.csv', 'id,label,score\n1,cat,0.91\n2,"dog, large",0.72\n3,cat,0.55\n');
  await upload('plots/confusion.png', PNG_2X2);
  await upload('README.txt', 'Model trained on MNIST.\n<script>alert(1)</script>\n');

  const live = await experiment.run({ runName: 'live-run', userId: 'ana', startTime: start + 12 * 600_000 });
  await live.log({
    params: { lr: '0.02', optimizer: 'adam', batch_size: '64', seed: '7' },
    metrics: [{ key: 'loss', value: 1.5, step: 0, timestamp: start + 12 * 600_000 }],
  });
  const running: SeededRun = {
    runId: live.runId,
    name: 'live-run',
    lr: 0.02,
    optimizer: 'adam',
    finalLoss: 1.5,
    finalAcc: 0,
  };
  return { experimentId, experimentName, runs, running };
}

/** Many runs at once (for paging and virtualisation), created concurrently in waves; one request per run. */
export async function seedManyRuns(api: TestServer, experimentId: string, count: number): Promise<void> {
  const wave = 50;
  const experiment = given(api).inExperiment(experimentId);
  for (let i = 0; i < count; i += wave) {
    await Promise.all(
      Array.from({ length: Math.min(wave, count - i) }, (_, j) =>
        experiment.run({
          runName: `bulk-${String(i + j).padStart(5, '0')}`,
          startTime: 1_700_000_000_000 + (i + j) * 1000,
          tags: { shard: String((i + j) % 7) },
        }),
      ),
    );
  }
}
