import { useEffect } from 'react';
import { api } from '../api/client.js';
import type { MetricHistory, StepRange } from '../api/types.js';
import { type AsyncState, useAsync } from '../lib/use-async.js';

const LIVE_REFRESH_MS = 5000;
/** How long a new zoom waits before fetching, so a quick succession of zooms sends only the last one. */
const ZOOM_SETTLE_MS = 120;

export interface FetchedHistories {
  /** One sampled history per run, in the order of the runs asked for. */
  histories: MetricHistory[];
  /** The steps the histories cover in detail; undefined for the whole history. */
  steps: StepRange | undefined;
  /** performance.now() when the fetch started, to report the time from request to drawing. */
  startedAt: number;
}

/**
 * One metric's server-sampled history for each run: `points` points at most per run, over `steps` only when the
 * chart is zoomed. A change of runs, size or zoom aborts the fetch in flight (useAsync hands each load its own
 * AbortSignal), so an older zoom's answer can never replace a newer one. Runs still RUNNING are refetched every few
 * seconds over the same steps, which keeps a zoomed chart zoomed while it refreshes.
 */
export function useMetricHistories(
  runs: readonly { runId: string; running: boolean }[],
  metricKey: string,
  points: number | undefined,
  steps: StepRange | undefined,
): AsyncState<FetchedHistories | undefined> {
  const runKey = runs.map((r) => r.runId).join(',');
  const histories = useAsync(
    async (signal) => {
      if (points === undefined) return undefined;
      if (steps) await settle(ZOOM_SETTLE_MS, signal);
      const startedAt = performance.now();
      const fetched = await Promise.all(runs.map((r) => api.metricHistory(r.runId, metricKey, points, signal, steps)));
      return { histories: fetched, steps, startedAt };
    },
    [runKey, metricKey, points, steps?.startStep, steps?.endStep],
  );

  const anyRunning = runs.some((r) => r.running);
  const { reload } = histories;
  useEffect(() => {
    if (!anyRunning) return;
    const timer = setInterval(reload, LIVE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [anyRunning, reload]);
  return histories;
}

/** Resolves after `ms`, or rejects as soon as the load is aborted. */
function settle(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
