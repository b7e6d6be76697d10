import { describe, expect, it } from 'vitest';
import { checkReport, pinnedRunIds, REPORT_LIMITS, type ReportRun, renderBlocks } from './report.js';

const run = (runId: string): ReportRun => ({
  runId,
  experimentId: '1',
  runName: `name-${runId}`,
  status: 'FINISHED',
  metrics: { auc: 1 },
});

describe('checkReport', () => {
  it('keeps valid blocks in order, trims the title and drops a run named twice in one block', () => {
    const checked = checkReport({
      title: '  Weekly  ',
      blocks: [
        { kind: 'note', markdown: '# Hi' },
        { kind: 'runs', runIds: ['a', 'b', 'a'] },
        { kind: 'chart', metricKey: 'auc', runIds: ['b'] },
      ],
    });
    expect(checked).toEqual({
      title: 'Weekly',
      blocks: [
        { kind: 'note', markdown: '# Hi' },
        { kind: 'runs', runIds: ['a', 'b'] },
        { kind: 'chart', metricKey: 'auc', runIds: ['b'] },
      ],
    });
  });

  it.each([
    ['an empty title', { title: ' ', blocks: [] }],
    ['a long title', { title: 'x'.repeat(REPORT_LIMITS.title + 1), blocks: [] }],
    ['too many blocks', { title: 't', blocks: Array(REPORT_LIMITS.blocks + 1).fill({ kind: 'note', markdown: 'x' }) }],
    ['an unknown kind', { title: 't', blocks: [{ kind: 'video' }] }],
    ['a block that is not an object', { title: 't', blocks: ['note'] }],
    ['an empty note', { title: 't', blocks: [{ kind: 'note', markdown: '  ' }] }],
    ['a huge note', { title: 't', blocks: [{ kind: 'note', markdown: 'x'.repeat(REPORT_LIMITS.markdown + 1) }] }],
    ['a runs block without runs', { title: 't', blocks: [{ kind: 'runs', runIds: [] }] }],
    [
      'too many runs',
      { title: 't', blocks: [{ kind: 'runs', runIds: Array.from({ length: 101 }, (_, i) => `r${i}`) }] },
    ],
    ['a run id that is not text', { title: 't', blocks: [{ kind: 'runs', runIds: [5] }] }],
    ['a chart without a metric', { title: 't', blocks: [{ kind: 'chart', metricKey: '', runIds: ['a'] }] }],
    ['an unknown field', { title: 't', blocks: [{ kind: 'note', markdown: 'x', html: '<b>' }] }],
  ])('refuses %s', (_, input) => {
    expect(() => checkReport(input as never)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }));
  });
});

describe('renderBlocks', () => {
  it('shows visible runs, counts hidden ones without naming them and passes notes through', () => {
    const blocks = [
      { kind: 'note' as const, markdown: 'n' },
      { kind: 'runs' as const, runIds: ['a', 'secret', 'b'] },
      { kind: 'chart' as const, metricKey: 'auc', runIds: ['secret', 'b'] },
    ];
    const rendered = renderBlocks(
      blocks,
      new Map([
        ['a', run('a')],
        ['b', run('b')],
      ]),
    );
    expect(rendered).toEqual([
      { kind: 'note', markdown: 'n' },
      { kind: 'runs', runs: [run('a'), run('b')], hiddenRuns: 1 },
      { kind: 'chart', metricKey: 'auc', runs: [{ runId: 'b', experimentId: '1', runName: 'name-b' }], hiddenRuns: 1 },
    ]);
    expect(JSON.stringify(rendered)).not.toContain('secret');
  });

  it('lists each pinned run once', () => {
    expect(
      pinnedRunIds([
        { kind: 'runs', runIds: ['a', 'b'] },
        { kind: 'chart', metricKey: 'k', runIds: ['b', 'c'] },
      ]),
    ).toEqual(['a', 'b', 'c']);
  });
});
