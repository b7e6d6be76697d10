import { recordedData } from '../../domain/capture/recorded-data.js';
import { invalid } from '../../domain/errors.js';
import type { EnvironmentSpec } from '../../domain/lineage/environment.js';
import { BLOCK_SHIFTS } from '../../domain/metrics/metric-blocks.js';
import type { Run } from '../../domain/tracking/entities.js';
import {
  type CodeSide,
  diffRuns,
  type EnvironmentSide,
  type MetricSummary,
  type RunDiff,
  type RunSide,
} from '../../domain/tracking/run-diff.js';
import { findEnvironment } from '../../store/repositories/lineage/entity-repository.js';
import { allMetricBlocks } from '../../store/repositories/metric-block-repository.js';
import { metricSeries } from '../../store/repositories/metric-repository.js';
import type { Executor } from '../../store/store.js';
import type { ServiceDeps } from '../service-deps.js';
import type { RunService } from './run-service.js';

const COARSEST_SHIFT = BLOCK_SHIFTS.at(-1)!;

/**
 * Gathers what two runs recorded (params, metric extremes, tags, code, environment, data read) and hands it to the
 * pure comparison. Read-only: it never writes.
 */
export class RunDiffService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly runs: RunService,
  ) {}

  async diff(runIdA: string, runIdB: string): Promise<RunDiff> {
    if (runIdA === runIdB) throw invalid('Compare two different runs; both ids name the same run');
    const [a, b] = await Promise.all([this.side(runIdA), this.side(runIdB)]);
    return diffRuns(a, b);
  }

  private async side(runId: string): Promise<RunSide> {
    const run = await this.runs.get(runId);
    const db = this.deps.store.db;
    const tags = Object.fromEntries(run.tags.map((t) => [t.key, t.value]));
    return {
      runId,
      params: Object.fromEntries(run.params.map((p) => [p.key, p.value])),
      tags,
      metrics: await metricSummaries(db, run),
      code: codeOf(tags),
      environment: await environmentOf(db, tags['mnemo.environment.id']),
      inputs: inputsOf(run, tags),
    };
  }
}

async function metricSummaries(db: Executor, run: Run): Promise<Record<string, MetricSummary>> {
  const summaries: Record<string, MetricSummary> = {};
  for (const metric of run.metrics) {
    summaries[metric.key] = { final: metric.value, ...(await extremes(db, run.info.runId, metric.key)) };
  }
  return summaries;
}

/** Lowest and highest value of a metric, from its coarsest block summaries, or its points when it has none. */
async function extremes(db: Executor, runId: string, key: string): Promise<{ min?: number; max?: number }> {
  const blocks = (await allMetricBlocks(db, runId, key)).filter((b) => b.shift === COARSEST_SHIFT);
  let min: number | undefined;
  let max: number | undefined;
  const fold = (value: number) => {
    if (Number.isNaN(value)) return;
    if (min === undefined || value < min) min = value;
    if (max === undefined || value > max) max = value;
  };
  if (blocks.length > 0) {
    for (const block of blocks) {
      if (block.min) fold(block.min.value);
      if (block.max) fold(block.max.value);
    }
  } else {
    const series = await metricSeries(db, runId, key);
    for (let i = 0; i < series.count; i++) fold(series.values[i]!);
  }
  return { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
}

function codeOf(tags: Record<string, string>): CodeSide | null {
  const commit = tags['mlflow.source.git.commit'];
  if (commit === undefined) return null;
  const dirty = tags['mnemo.source.git.dirty'];
  return {
    commit,
    branch: tags['mlflow.source.git.branch'] ?? null,
    dirty: dirty === undefined ? null : dirty === 'true',
    diffDigest: tags['mnemo.source.git.diffDigest'] ?? null,
  };
}

async function environmentOf(db: Executor, environmentId: string | undefined): Promise<EnvironmentSide | null> {
  if (environmentId === undefined) return null;
  const row = await findEnvironment(db, environmentId);
  // A tag naming an environment that was never registered still says the environments differ.
  if (!row) return { environmentId, packages: {} };
  return { environmentId, packages: (JSON.parse(row.document) as EnvironmentSpec).packages };
}

/** Data the run read: `mnemo run --input` tags (`<uri>@<digest>`) and MLflow dataset inputs, by name. */
function inputsOf(run: Run, tags: Record<string, string>): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const dataset of run.inputs) inputs[dataset.name] = dataset.digest;
  for (const data of recordedData(tags)) if (data.role === 'input') inputs[data.uri] = data.digest;
  return inputs;
}
