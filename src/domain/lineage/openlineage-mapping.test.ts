import { describe, expect, it } from 'vitest';
import type { OpenLineageRunEvent } from './openlineage-event.js';
import { planOpenLineageEvent } from './openlineage-mapping.js';

const base: OpenLineageRunEvent = {
  eventType: 'COMPLETE',
  eventTime: '2024-05-02T02:00:00.000Z',
  producer: 'https://example.com/producer',
  run: { runId: '0190E0A4-6F1C-7A52-9C3E-1A2B3C4D5E01' },
  job: { namespace: 'ns', name: 'job' },
};

describe('planOpenLineageEvent', () => {
  it('names versions: the version facet, else one per producing run for outputs, else "current" for inputs', () => {
    const plan = planOpenLineageEvent({
      ...base,
      inputs: [
        { namespace: 's3://lake', name: 'in', facets: { version: { datasetVersion: 'v7' } } },
        { namespace: 's3://lake', name: 'plain' },
      ],
      outputs: [{ namespace: 'file', name: '/data/out.csv' }],
    });
    expect(plan.olRunId).toBe('0190e0a4-6f1c-7a52-9c3e-1a2b3c4d5e01');
    expect(plan.eventTime).toBe(Date.parse(base.eventTime));
    expect(plan.datasets.map((d) => [d.role, d.versionKey, d.uri])).toEqual([
      ['input', 'v7', 's3://lake/in'],
      ['input', null, 's3://lake/plain'],
      ['output', 'run:0190e0a4-6f1c-7a52-9c3e-1a2b3c4d5e01', 'file:///data/out.csv'],
    ]);
  });

  it('reads schema, statistics and assertions, and keeps every facet including unknown ones', () => {
    const plan = planOpenLineageEvent({
      ...base,
      inputs: [
        {
          namespace: 'pg://db',
          name: 't',
          facets: { schema: { fields: [{ name: 'id', type: 'int' }] }, custom_thing: { a: 1 } },
          inputFacets: {
            dataQualityMetrics: { rowCount: 42 },
            dataQualityAssertions: { assertions: [{ assertion: 'not_null', success: false, column: 'id' }] },
          },
        },
      ],
    });
    const [input] = plan.datasets;
    expect(input).toMatchObject({
      columns: [{ name: 'id', type: 'int', description: null }],
      rowCount: 42,
      qualityChecks: [{ name: 'not_null', passed: false, column: 'id', value: null }],
    });
    expect(input!.facets.custom_thing).toEqual({ a: 1 });
  });

  it('turns column lineage into one derivation per input dataset with the column mapping', () => {
    const plan = planOpenLineageEvent({
      ...base,
      outputs: [
        {
          namespace: 'wh',
          name: 'out',
          facets: {
            columnLineage: {
              fields: {
                total: {
                  inputFields: [
                    { namespace: 'wh', name: 'a', field: 'x' },
                    { namespace: 'wh', name: 'b', field: 'y' },
                  ],
                },
                key: { inputFields: [{ namespace: 'wh', name: 'a', field: 'id' }] },
              },
            },
          },
        },
      ],
    });
    expect(plan.derivations).toEqual([
      {
        output: { namespace: 'wh', name: 'out' },
        input: { namespace: 'wh', name: 'a' },
        columns: { total: ['x'], key: ['id'] },
      },
      { output: { namespace: 'wh', name: 'out' }, input: { namespace: 'wh', name: 'b' }, columns: { total: ['y'] } },
    ]);
  });

  it('finds a linked run, a parent run and a git code ref in facets', () => {
    const plan = planOpenLineageEvent({
      ...base,
      run: {
        runId: base.run.runId,
        facets: {
          mlflow: { runId: 'abc123' },
          parent: { run: { runId: 'P-1' }, job: { namespace: 'ns', name: 'dag' } },
        },
      },
      job: {
        ...base.job,
        facets: { sourceCodeLocation: { type: 'git', repoUrl: 'https://git/x', version: 'ABCDEF1234567' } },
      },
    });
    expect(plan.linkedRunId).toEqual({ runId: 'abc123', field: 'run.facets.mlflow.runId' });
    expect(plan.parent).toEqual({ olRunId: 'p-1', namespace: 'ns', name: 'dag' });
    expect(plan.codeRef).toEqual({ repository: 'https://git/x', commit: 'abcdef1234567', dirtyDigest: null });
  });

  it('refuses a linked run id that is not an id, naming the facet', () => {
    expect(() =>
      planOpenLineageEvent({ ...base, run: { runId: base.run.runId, facets: { mnemo: { runId: 'a b' } } } }),
    ).toThrow(/run\.facets\.mnemo\.runId/);
  });
});
