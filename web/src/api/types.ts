/**
 * Shapes of the native API (/api/v1) as the UI reads them; see /api/v1/openapi.json. Entities the SDK declares are
 * taken from it (type-only imports, erased from the bundle) so the UI and the SDK cannot drift apart; only what the
 * UI reads differently is declared here (metric values keep their wire form, where NaN and ±∞ are strings).
 */

import type { Run as SdkRun } from '../../../src/sdk/types.js';

export type {
  ArtifactFile,
  DatasetInput,
  Experiment,
  LoggedModel,
  RunStatus,
} from '../../../src/sdk/types.js';

export interface ExperimentActivity {
  experimentId: string;
  runCount: number;
  runningCount: number;
  lastActivity: number | null;
}

export interface ExperimentKeys {
  params: string[];
  metrics: string[];
  tags: string[];
}

/** Non-finite metric values travel as the strings "NaN", "Infinity" and "-Infinity". */
export type WireNumber = number | string;

export interface Metric {
  key: string;
  value: WireNumber;
  step: number;
  timestamp: number;
}

/** A run as the native API sends it: the SDK's run, with its latest metric values still in wire form. */
export interface Run extends Omit<SdkRun, 'metrics'> {
  metrics: Metric[];
}

export interface MetricHistory {
  metrics: Metric[];
  nextPageToken?: string;
  totalPoints?: number;
  /** NaN points a sample had no room for, one per bucket at most: charts still mark them. */
  hiddenNaN?: Metric[];
}

/** An inclusive range of steps, as a zoomed chart asks the server to sample it. */
export interface StepRange {
  startStep: number;
  endStep: number;
}

/** A vertex of the lineage graph as a walk reaches it (see GET /api/v1/lineage/upstream and /downstream). */
export interface LineageNode {
  id: string;
  kind: string;
  label: string;
  attributes: Record<string, unknown>;
  depth: number;
  path: { from: string; to: string; type: string }[];
}

export interface LineageEdge {
  from: string;
  to: string;
  type: string;
  attributes: Record<string, unknown>;
}

export interface LineageWalk {
  nodes: LineageNode[];
  edges: LineageEdge[];
}
