import type { KeyValue } from '../tracking/entities.js';

/** A value the log recorded, with the event that recorded it. */
export interface RecordedValue {
  value: string;
  seq: number;
}

export type RecordedValues = Map<string, RecordedValue>;

/** What one logged batch's audit event says it stored. */
export interface RecordedBatch {
  seq: number;
  count: number;
  sha256: string;
}

/** A run's metric points as its events describe them. */
export interface RecordedMetrics {
  /** Batches whose events name the batch id carried by their rows, keyed by that id. */
  batches: Map<number, RecordedBatch>;
  /** Points logged by older events that recorded only a count (their rows carry no batch id). */
  unbatchedPoints: number;
}

/** What the log says a run should look like now, rebuilt from its events in order. */
export interface RunExpectation {
  snapshot?: { seq: number; info: Record<string, unknown>; tags?: KeyValue[] | undefined };
  params: RecordedValues;
  /** Tags written by batches after the latest snapshot. */
  laterTags: RecordedValues;
  metrics: RecordedMetrics;
  artifacts: RecordedValues;
  inputs: RecordedValues;
  /** The event that purged the run (garbage collection removed its rows), if one did. */
  purgedSeq?: number;
  /** How many events the run has, and the first of them (0 when it has none). */
  events: number;
  firstSeq: number;
}

/** One of a run's events as the fold needs it: its state parsed (undefined when not kept or not JSON). */
export interface RunEvent {
  seq: number;
  action: string;
  state: unknown;
}

export const emptyRunExpectation = (): RunExpectation => ({
  params: new Map(),
  laterTags: new Map(),
  metrics: { batches: new Map(), unbatchedPoints: 0 },
  artifacts: new Map(),
  inputs: new Map(),
  events: 0,
  firstSeq: 0,
});

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isKeyValues = (v: unknown): v is KeyValue[] =>
  Array.isArray(v) && v.every((e) => isObject(e) && typeof e.key === 'string' && typeof e.value === 'string');

/**
 * Applies the next of a run's events (in seq order) to what the log says the run holds: a snapshot (a state with the
 * run's info) replaces info and tags; a batch adds params (the first value of a key stands: params never change),
 * tags and metric batches; a re-seal replaces the stored form of the params and tags it names; artifact uploads and deletes and dataset inputs are tracked by path and name.
 */
export function foldRunEvent(expected: RunExpectation, event: RunEvent): void {
  if (expected.events === 0) expected.firstSeq = event.seq;
  expected.events += 1;
  const state = event.state;
  if (isObject(state) && typeof state.runId === 'string' && typeof state.lifecycleStage === 'string') {
    expected.snapshot = { seq: event.seq, info: state, tags: isKeyValues(state.tags) ? state.tags : undefined };
    expected.laterTags.clear();
  } else if (event.action === 'run.log_batch' && isObject(state)) {
    if (isKeyValues(state.params)) {
      for (const p of state.params) {
        if (!expected.params.has(p.key)) expected.params.set(p.key, { value: p.value, seq: event.seq });
      }
    }
    if (isKeyValues(state.tags)) {
      for (const t of state.tags) expected.laterTags.set(t.key, { value: t.value, seq: event.seq });
    }
    recordBatchMetrics(expected.metrics, event.seq, state.metrics);
  } else if (event.action === 'run.reseal' && isObject(state)) {
    // The same values sealed anew: each param and tag named takes its new stored form.
    if (isKeyValues(state.params)) {
      for (const p of state.params) expected.params.set(p.key, { value: p.value, seq: event.seq });
    }
    if (isKeyValues(state.tags)) {
      for (const t of state.tags) expected.laterTags.set(t.key, { value: t.value, seq: event.seq });
    }
  } else if (event.action === 'artifact.upload' && isObject(state) && typeof state.path === 'string') {
    expected.artifacts.set(state.path, {
      value: `sha256 ${String(state.sha256)}, ${String(state.size)} bytes`,
      seq: event.seq,
    });
  } else if (event.action === 'artifact.delete' && isObject(state) && typeof state.path === 'string') {
    const prefix = state.path;
    for (const path of [...expected.artifacts.keys()]) {
      // An empty path is the run's whole artifact directory.
      if (prefix === '' || path === prefix || path.startsWith(`${prefix}/`)) expected.artifacts.delete(path);
    }
  } else if (event.action === 'run.purge') {
    expected.purgedSeq = event.seq;
  } else if (event.action === 'run.log_inputs' && Array.isArray(state)) {
    for (const d of state as unknown[]) {
      if (isObject(d))
        expected.inputs.set(`${String(d.name)}@${String(d.digest)}`, { value: 'linked', seq: event.seq });
    }
  }
}

/**
 * How many recorded values an expectation holds (a snapshot's tags included): the measure of its memory, so that
 * expectations gathered for many runs at once can be kept within a bound.
 */
export const recordedValueCount = (expected: RunExpectation): number =>
  1 +
  (expected.snapshot?.tags?.length ?? 0) +
  expected.params.size +
  expected.laterTags.size +
  expected.metrics.batches.size +
  expected.artifacts.size +
  expected.inputs.size;

/**
 * Current batch events name the batch id their rows carry and a digest of exactly those rows; older ones recorded the
 * points sent (as a list, or a count and digest of the request), which can be checked by count only.
 */
function recordBatchMetrics(recorded: RecordedMetrics, seq: number, metrics: unknown): void {
  if (isObject(metrics) && typeof metrics.batch === 'number' && typeof metrics.sha256 === 'string') {
    recorded.batches.set(metrics.batch, { seq, count: Number(metrics.count) || 0, sha256: metrics.sha256 });
  } else if (Array.isArray(metrics)) {
    recorded.unbatchedPoints += metrics.length;
  } else if (isObject(metrics)) {
    recorded.unbatchedPoints += Number(metrics.count) || 0;
  }
}
