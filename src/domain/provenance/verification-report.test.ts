import { describe, expect, it } from 'vitest';
import { describeDifferences, describeMapDifferences, ProblemLog } from './verification-report.js';

describe('verification report', () => {
  it('orders problems by event, those without one last, and caps how many it keeps', () => {
    const log = new ProblemLog(3);
    log.add({ seq: null, kind: 'entity-unrecorded', message: 'c' });
    log.add({ seq: 9, kind: 'event-edited', message: 'b' });
    log.add({ seq: 2, kind: 'event-missing', message: 'a' });
    log.add({ seq: 1, kind: 'event-missing', message: 'dropped' });
    expect(log.sorted().map((p) => p.message)).toEqual(['a', 'b', 'c']);
    expect(log.truncated).toBe(true);
  });

  it('names changed fields with both values', () => {
    expect(describeDifferences({ name: 'a', n: 1 }, { name: 'b', n: 1, extra: true })).toEqual([
      'extra is true but the log recorded null',
      'name is "b" but the log recorded "a"',
    ]);
  });

  it('reports changed, vanished and unrecorded entries of a key/value list', () => {
    const recorded = new Map([
      ['lr', { value: '0.01', seq: 5 }],
      ['gone', { value: 'x', seq: 6 }],
    ]);
    const current = new Map([
      ['lr', '0.5'],
      ['new', 'y'],
    ]);
    expect(describeMapDifferences('param', recorded, current)).toEqual([
      { seq: 5, message: `param 'lr' is "0.5" but event 5 recorded "0.01"` },
      { seq: 6, message: `param 'gone' recorded by event 6 is gone` },
      { seq: null, message: `param 'new' = "y" was never recorded in the log` },
    ]);
  });
});
