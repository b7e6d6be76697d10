import { emptyRunExpectation, foldRunEvent, type RunExpectation, recordedValueCount } from './run-expectation.js';

/** A recorded state as data, or undefined when it was not kept (older events) or is not JSON. */
export function parseRecordedState(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The expectations of every run, gathered from the run events of one pass over the whole log in seq order (each run's
 * events arrive in its own order, interleaved with the others'), so runs need not read their histories back one by
 * one. Memory grows with the values recorded, not with the events; past `limit` values the expectations are dropped
 * and gathering stops, and whoever needs them rebuilds each run's from its own events instead.
 */
export class RunExpectations {
  private readonly byRun = new Map<string, RunExpectation>();
  private values = 0;
  private overflowed = false;

  constructor(private readonly limit: number) {}

  /** Whether events are still being gathered (false once the limit was passed). */
  get gathering(): boolean {
    return !this.overflowed;
  }

  /** Folds the next event of a run, its state as stored (null when there is none). */
  add(runId: string, seq: number, action: string, stateText: string | null): void {
    if (this.overflowed) return;
    let expected = this.byRun.get(runId);
    if (expected === undefined) {
      expected = emptyRunExpectation();
      this.byRun.set(runId, expected);
    }
    const before = expected.events === 0 ? 0 : recordedValueCount(expected);
    foldRunEvent(expected, { seq, action, state: parseRecordedState(stateText) });
    this.values += recordedValueCount(expected) - before;
    if (this.values > this.limit) {
      this.overflowed = true;
      this.byRun.clear();
    }
  }

  /** The gathered expectation of a run (an empty one when it has no events), or undefined if gathering stopped. */
  of(runId: string): RunExpectation | undefined {
    if (this.overflowed) return undefined;
    return this.byRun.get(runId) ?? emptyRunExpectation();
  }

  /**
   * Every run the log has events of, with its first event's seq and the event that purged it if one did; undefined
   * if gathering stopped.
   */
  runs(): { runId: string; firstSeq: number; purgedSeq: number | undefined }[] | undefined {
    if (this.overflowed) return undefined;
    return [...this.byRun].map(([runId, expected]) => ({
      runId,
      firstSeq: expected.firstSeq,
      purgedSeq: expected.purgedSeq,
    }));
  }
}
