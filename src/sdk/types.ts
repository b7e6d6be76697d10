/**
 * The native API's entities as the SDK hands them out. Their JSON shapes live in ./wire/shapes.ts, the contract the
 * server's schemas are checked against; here metric values are numbers again (NaN and ±Infinity travel as strings).
 */

import type { ViewType, WireRun } from './wire/shapes.js';

export type {
  ArtifactFile,
  DatasetInput,
  Experiment,
  LoggedModel,
  RunStatus,
  ViewType,
} from './wire/shapes.js';

/** One metric point, its value read back into a number. */
export interface Metric {
  key: string;
  value: number;
  step: number;
  timestamp: number;
}

export interface Run extends Omit<WireRun, 'metrics'> {
  /** The latest value of each metric. */
  metrics: Metric[];
}

export interface SearchExperimentsOptions {
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
  viewType?: ViewType;
}

export interface SearchRunsOptions {
  experimentIds: string[];
  filter?: string;
  orderBy?: string[];
  maxResults?: number;
  pageToken?: string;
  viewType?: ViewType;
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}
