/** Shapes of the native API (/api/v1) as the UI reads them; see /api/v1/openapi.json. */

export interface Experiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: string;
  creationTime: number;
  lastUpdateTime: number;
  tags: Record<string, string>;
}

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

export interface DatasetInput {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema?: string | null;
  profile?: string | null;
  tags?: Record<string, string>;
}

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface Run {
  runId: string;
  experimentId: string;
  runName: string;
  userId: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  artifactUri: string;
  lifecycleStage: string;
  parentRunId: string | null;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Metric[];
  inputs: DatasetInput[];
}

export interface ArtifactFile {
  path: string;
  isDir: boolean;
  size: number | null;
  sha256: string | null;
}

export interface MetricHistory {
  metrics: Metric[];
  nextPageToken?: string;
  totalPoints?: number;
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
