import { describe, expect, it } from 'vitest';
import type { Run } from '../api/types.js';
import { parseColumnId, toRunRow } from './columns.js';
import { parseCsvHead } from './csv.js';
import { csvField, runsToCsv } from './runs-csv.js';

function run(id: string, params: Record<string, string>, loss: number | null): Run {
  return {
    runId: id,
    experimentId: '1',
    runName: `name ${id}`,
    userId: 'u',
    status: 'FINISHED',
    startTime: Date.UTC(2026, 0, 5, 9, 0, 0),
    endTime: Date.UTC(2026, 0, 5, 9, 0, 2),
    artifactUri: '',
    lifecycleStage: 'active',
    parentRunId: null,
    params,
    tags: {},
    metrics: loss === null ? [] : [{ key: 'loss', value: loss, step: 0, timestamp: 0 }],
    inputs: [],
    modelOutputs: [],
    modelInputs: [],
  };
}

describe('runsToCsv', () => {
  it('writes one line per run with the table columns, times in ISO and missing values empty', () => {
    const columns = [
      'attributes.run_name',
      'attributes.start_time',
      'attributes.duration',
      'metrics.loss',
      'params.note',
    ]
      .map(parseColumnId)
      .filter((c) => c !== null);
    const csv = runsToCsv(
      [run('a', { note: 'plain' }, 0.25), run('b', { note: 'has, comma and "quotes"\nand a line' }, null)].map(
        toRunRow,
      ),
      columns,
      0,
    );
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(parseCsvHead(csv, 10).filter((r) => r.length > 1)).toEqual([
      ['run_id', 'run_name', 'attributes.start_time', 'attributes.duration', 'metrics.loss', 'params.note'],
      ['a', 'name a', '2026-01-05T09:00:00.000Z', '2000', '0.25', 'plain'],
      ['b', 'name b', '2026-01-05T09:00:00.000Z', '2000', '', 'has, comma and "quotes"\nand a line'],
    ]);
  });
});

describe('csvField', () => {
  it('defuses text a spreadsheet would run as a formula, but leaves negative numbers alone', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('@sum')).toBe(`'@sum`);
    expect(csvField('-0.5')).toBe('-0.5');
    expect(csvField('-1e-3')).toBe('-1e-3');
  });
});
