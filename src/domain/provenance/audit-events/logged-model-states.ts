/*
 * What the audit log records of a logged model's files and of a run's links to logged models, built by one function
 * per kind that the writer and `mnemo audit verify` both call. Version 1, as the writers recorded their rows. The
 * numbers are read with Number(): PostgreSQL returns its bigint columns as strings, and the log holds numbers.
 */

type Integer = number | bigint | string;

export interface LoggedModelFileRow {
  model_id: string;
  path: string;
  size: Integer;
  sha256: string;
  created_time: Integer;
}

/** Version 1 recorded the file's row as it was inserted. */
export interface LoggedModelFileState {
  model_id: string;
  path: string;
  size: number;
  sha256: string;
  created_time: number;
}

export const loggedModelFileState = (row: LoggedModelFileRow): LoggedModelFileState => ({
  model_id: row.model_id,
  path: row.path,
  size: Number(row.size),
  sha256: row.sha256,
  created_time: Number(row.created_time),
});

export interface RunModelLinkRow {
  run_id: string;
  model_id: string;
  direction: 'output' | 'input';
  step: Integer | null;
  created_time: Integer;
}

/** Version 1 recorded the link's row as it was inserted. */
export interface RunModelLinkState {
  run_id: string;
  model_id: string;
  direction: 'output' | 'input';
  step: number | null;
  created_time: number;
}

export const runModelLinkState = (row: RunModelLinkRow): RunModelLinkState => ({
  run_id: row.run_id,
  model_id: row.model_id,
  direction: row.direction,
  step: row.step === null ? null : Number(row.step),
  created_time: Number(row.created_time),
});
