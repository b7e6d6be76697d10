import type { RunStatus } from '../tracking/entities.js';
import type { OpenLineageEventType } from './openlineage-event.js';

/** The lifecycle facts of a run as OpenLineage events have told them so far. */
export interface RunLifecycle {
  status: RunStatus;
  startTime: number;
  endTime: number | null;
}

const TERMINAL: Partial<Record<OpenLineageEventType, RunStatus>> = {
  COMPLETE: 'FINISHED',
  FAIL: 'FAILED',
  ABORT: 'KILLED',
};

/**
 * Folds one event into a run's lifecycle. Events arrive in any order, so the result must not depend on it: a START
 * that arrives after the COMPLETE does not reopen the run, the earliest time seen is the start, and among several
 * terminal events the latest one decides the outcome (a retried task that failed and then completed is complete).
 */
export function applyRunEvent(
  current: RunLifecycle | null,
  eventType: OpenLineageEventType,
  eventTime: number,
): RunLifecycle {
  const terminal = TERMINAL[eventType];
  if (current === null) {
    return terminal
      ? { status: terminal, startTime: eventTime, endTime: eventTime }
      : { status: 'RUNNING', startTime: eventTime, endTime: null };
  }
  const startTime = Math.min(current.startTime, eventTime);
  if (!terminal) return { ...current, startTime };
  if (current.endTime !== null && current.endTime > eventTime) return { ...current, startTime };
  return { status: terminal, startTime, endTime: eventTime };
}
