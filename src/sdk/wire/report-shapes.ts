/** Report shapes of the native API that the web UI and the server's schemas share. */

/** A block as a report stores it and as an editor sends it: runs are named by id. */
export type ReportBlockInput =
  | { kind: 'note'; markdown: string }
  | { kind: 'runs'; runIds: string[] }
  | { kind: 'chart'; metricKey: string; runIds: string[] };

/** What a create or an update sends: the whole report, blocks in order. */
export interface ReportInput {
  title: string;
  blocks: ReportBlockInput[];
}

/** A report in a list, without its blocks' contents. */
export interface ReportSummary {
  id: string;
  experimentId: string;
  title: string;
  blockCount: number;
  createdBy: string;
  createdAt: number;
  updatedBy: string;
  updatedAt: number;
}

/** A pinned run as its reader sees it now; metrics are latest values by key (null for NaN). */
export interface ReportRunView {
  runId: string;
  /** The run's experiment now, to link to it. */
  experimentId: string;
  runName: string;
  status: string;
  metrics: Record<string, number | null>;
}

/** A block filled in from live data; `hiddenRuns` counts pinned runs the reader may not see (or that are gone). */
export type ReportBlockView =
  | { kind: 'note'; markdown: string }
  | { kind: 'runs'; runs: ReportRunView[]; hiddenRuns: number }
  | { kind: 'chart'; metricKey: string; runs: Omit<ReportRunView, 'status' | 'metrics'>[]; hiddenRuns: number };

/**
 * A report opened, its blocks filled in for its reader. An editor saves the report back whole from this view, so runs
 * the editor cannot see are not kept by that save.
 */
export interface ReportView extends ReportSummary {
  blocks: ReportBlockView[];
}
