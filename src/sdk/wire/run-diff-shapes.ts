import type { WireNumber } from './non-finite.js';

/**
 * The comparison of two runs as `GET /api/v1/runs/diff` returns it (see src/domain/tracking/run-diff.ts for what each
 * part means). `a` and `b` are null where that run lacks the value; metric values may be "NaN" or an infinity.
 */
export interface WireRunDiff {
  a: string;
  b: string;
  params: WireValueChange[];
  metrics: WireMetricChange[];
  tags: WireValueChange[];
  code: { field: string; a: string | null; b: string | null }[];
  environment: {
    a: string | null;
    b: string | null;
    packages: {
      added: { name: string; version: string }[];
      removed: { name: string; version: string }[];
      changed: { name: string; a: string; b: string }[];
    };
  } | null;
  data: WireValueChange[];
  identical: boolean;
}

export interface WireValueChange {
  key: string;
  a: string | null;
  b: string | null;
}

export interface WireMetricChange {
  key: string;
  /** Which way is better: 'min' for keys naming a loss or an error, 'max' for the rest. */
  direction: 'min' | 'max';
  final: WireMetricPair;
  best: WireMetricPair;
}

export interface WireMetricPair {
  a: WireNumber | null;
  b: WireNumber | null;
  /** b − a, when both are finite numbers. */
  delta: number | null;
}
