import type { TestServer } from './test-server.js';

/** Anything that answers JSON requests as a test server does (the provenance tests' server too). */
export type Caller = Pick<TestServer, 'call'>;

export interface MetricPoint {
  key: string;
  value: number;
  step: number;
  timestamp?: number;
}

export interface RunFields {
  runName?: string;
  userId?: string;
  startTime?: number;
  tags?: Record<string, string>;
}

export interface RunValues {
  params?: Record<string, string>;
  tags?: Record<string, string>;
  metrics?: MetricPoint[];
}

export interface Dataset {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  tags?: Record<string, string>;
}

/**
 * Sends a request that setting up a test needs to succeed, and returns its body; any other answer throws with the
 * request and the server's reply, so a broken setup fails where it broke rather than in a later assertion.
 */
export async function ok<T = Record<string, unknown>>(
  api: Caller,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await api.call<T>(method, path, body);
  if (response.status >= 300)
    throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** One metric's values at steps 0, 1, 2, …, a millisecond apart from `firstTimestamp`. */
export function series(key: string, values: readonly number[], firstTimestamp = 1000): MetricPoint[] {
  return values.map((value, step) => ({ key, value, step, timestamp: firstTimestamp + step }));
}

export interface RunBuilder {
  runId: string;
  /** Logs params, tags and metrics in one batch, as a client's flush does. */
  log(values: RunValues): Promise<RunBuilder>;
  /** Records datasets the run read. */
  inputs(datasets: Dataset[]): Promise<RunBuilder>;
  finish(status?: 'FINISHED' | 'FAILED' | 'KILLED', endTime?: number): Promise<RunBuilder>;
}

export interface ExperimentBuilder {
  experimentId: string;
  run(fields?: RunFields): Promise<RunBuilder>;
}

/**
 * Test data made through the native API, as a client would make it: `await given(api).experiment('x')`, then
 * `.run({ runName })`, `.log({ params, metrics })`, `.finish()`. Every step checks the server's answer.
 */
export function given(api: Caller) {
  return {
    async experiment(name: string): Promise<ExperimentBuilder> {
      const { experiment } = await ok<{ experiment: { experimentId: string } }>(api, 'POST', '/api/v1/experiments', {
        name,
      });
      return experimentBuilder(api, experiment.experimentId);
    },
    /** A run that exists already, to log more to. */
    existingRun(runId: string): RunBuilder {
      return runBuilder(api, runId);
    },
    /** An experiment that exists already, to add runs to. */
    inExperiment(experimentId: string): ExperimentBuilder {
      return experimentBuilder(api, experimentId);
    },
    /** A registered model, with optional fields such as description and tags. */
    async registeredModel(name: string, fields: Record<string, unknown> = {}): Promise<void> {
      await ok(api, 'POST', '/api/v1/registered-models', { name, ...fields });
    },
    /** Registers a version of a model from a run's artifact folder and returns the version's number. */
    async modelVersion(
      name: string,
      runId: string,
      folder: string,
      fields: Record<string, unknown> = {},
    ): Promise<number> {
      const { modelVersion } = await ok<{ modelVersion: { version: number | string } }>(
        api,
        'POST',
        `/api/v1/registered-models/${encodeURIComponent(name)}/versions`,
        { source: `runs:/${runId}/${folder}`, runId, ...fields },
      );
      return Number(modelVersion.version);
    },
  };
}

function experimentBuilder(api: Caller, experimentId: string): ExperimentBuilder {
  return {
    experimentId,
    async run(fields = {}) {
      const { run } = await ok<{ run: { runId: string } }>(api, 'POST', '/api/v1/runs', { experimentId, ...fields });
      return runBuilder(api, run.runId);
    },
  };
}

function runBuilder(api: Caller, runId: string): RunBuilder {
  const run: RunBuilder = {
    runId,
    async log(values) {
      await ok(api, 'POST', `/api/v1/runs/${runId}/batch`, values);
      return run;
    },
    async inputs(datasets) {
      await ok(api, 'POST', `/api/v1/runs/${runId}/inputs`, { datasets });
      return run;
    },
    async finish(status = 'FINISHED', endTime = Date.now()) {
      await ok(api, 'PATCH', `/api/v1/runs/${runId}`, { status, endTime });
      return run;
    },
  };
  return run;
}
