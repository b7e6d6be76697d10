import type { BackendName } from './databases.js';

/** One measured figure, with what it is judged against: a reference measured in the same run and/or a target. */
export interface BenchResult {
  scenario: string;
  backend: BackendName;
  figure: string;
  unit: string;
  value: number;
  /** A limit measured in this same run (e.g. raw inserts into the same database), with the ratio value/reference. */
  reference?: { figure: string; value: number; unit: string; ratio: number };
  /** The goal the project set for this figure (full mode, SQLite, 2-core machine). */
  target?: { value: number; better: 'higher' | 'lower' };
}

export interface BenchContext {
  quick: boolean;
  backends: BackendName[];
  /** Adds a figure to the report as soon as it is measured, so a later failure does not lose it. */
  record(result: BenchResult): void;
  /** A remark printed under the table (skipped endpoints, warm-up policy, data sizes). */
  note(text: string): void;
  log(text: string): void;
}

/** A benchmark scenario: a file in bench/scenarios/ whose default export is one of these. */
export interface Scenario {
  name: string;
  /** Scenarios run in ascending order; ties by name. */
  order: number;
  run(context: BenchContext): Promise<void>;
}
