import { describe, expect, it } from 'vitest';
import { emptyRunExpectation, foldRunEvent, type RunEvent } from './run-expectation.js';
import { parseRecordedState, RunExpectations } from './run-expectations.js';

const snapshot = (seq: number, tags: { key: string; value: string }[]): RunEvent => ({
  seq,
  action: 'run.update',
  state: { runId: 'r1', lifecycleStage: 'active', status: 'RUNNING', tags },
});
const batch = (seq: number, state: Record<string, unknown>): RunEvent => ({ seq, action: 'run.log_batch', state });

function fold(events: RunEvent[]) {
  const expected = emptyRunExpectation();
  for (const event of events) foldRunEvent(expected, event);
  return expected;
}

describe('run expectation', () => {
  it('keeps the first value of a param, the latest of a tag, and forgets batch tags at a snapshot', () => {
    const expected = fold([
      snapshot(1, [{ key: 'a', value: '1' }]),
      batch(2, { params: [{ key: 'lr', value: '0.1' }], tags: [{ key: 'old', value: 'x' }] }),
      snapshot(3, [{ key: 'a', value: '2' }]),
      batch(4, { params: [{ key: 'lr', value: '0.2' }], tags: [{ key: 't', value: 'y' }] }),
      batch(5, { tags: [{ key: 't', value: 'z' }] }),
    ]);
    expect(expected.events).toBe(5);
    expect(expected.firstSeq).toBe(1);
    expect(expected.snapshot?.seq).toBe(3);
    expect(expected.snapshot?.tags).toEqual([{ key: 'a', value: '2' }]);
    expect(expected.params.get('lr')).toEqual({ value: '0.1', seq: 2 });
    expect([...expected.laterTags]).toEqual([['t', { value: 'z', seq: 5 }]]);
  });

  it('takes the new stored form of the params and tags a re-seal names, leaving the others', () => {
    const expected = fold([
      batch(1, {
        params: [
          { key: 'db', value: 'digest-old' },
          { key: 'lr', value: '0.1' },
        ],
      }),
      snapshot(2, [{ key: 'email', value: 'tag-old' }]),
      {
        seq: 3,
        action: 'run.reseal',
        state: {
          keyId: 'k2',
          params: [{ key: 'db', value: 'digest-new' }],
          tags: [{ key: 'email', value: 'tag-new' }],
        },
      },
    ]);
    expect(expected.params.get('db')).toEqual({ value: 'digest-new', seq: 3 });
    expect(expected.params.get('lr')).toEqual({ value: '0.1', seq: 1 });
    expect(expected.snapshot?.seq).toBe(2);
    expect([...expected.laterTags]).toEqual([['email', { value: 'tag-new', seq: 3 }]]);
  });

  it('records metric batches by id, and older batches as counts of points', () => {
    const expected = fold([
      batch(7, { metrics: { batch: 42, count: 3, sha256: 'abc' } }),
      batch(8, { metrics: [{ key: 'm' }, { key: 'm' }] }),
      batch(9, { metrics: { count: 5, sha256: 'def' } }),
    ]);
    expect(expected.metrics.batches.get(42)).toEqual({ seq: 7, count: 3, sha256: 'abc' });
    expect(expected.metrics.unbatchedPoints).toBe(7);
  });

  it('tracks artifacts by path (a deleted directory takes its files) and dataset inputs by name and digest', () => {
    const expected = fold([
      { seq: 1, action: 'artifact.upload', state: { path: 'model/a.bin', sha256: 's1', size: 3 } },
      { seq: 2, action: 'artifact.upload', state: { path: 'model/b.bin', sha256: 's2', size: 4 } },
      { seq: 3, action: 'artifact.upload', state: { path: 'modelx', sha256: 's3', size: 5 } },
      { seq: 4, action: 'artifact.delete', state: { path: 'model' } },
      { seq: 5, action: 'run.log_inputs', state: [{ name: 'train', digest: 'd1' }, 'junk'] },
    ]);
    expect([...expected.artifacts.keys()]).toEqual(['modelx']);
    expect(expected.artifacts.get('modelx')).toEqual({ value: 'sha256 s3, 5 bytes', seq: 3 });
    expect([...expected.inputs]).toEqual([['train@d1', { value: 'linked', seq: 5 }]]);
  });

  it('counts events whose state was not kept or is not JSON without reading them', () => {
    const expected = fold([
      { seq: 1, action: 'run.log_batch', state: parseRecordedState(null) },
      { seq: 2, action: 'run.log_batch', state: parseRecordedState('{not json') },
    ]);
    expect(expected.events).toBe(2);
    expect(expected.params.size).toBe(0);
  });
});

describe('run expectations gathered from the whole log', () => {
  it('fold each run from its own events when the runs interleave', () => {
    const gathered = new RunExpectations(100);
    gathered.add('r1', 3, 'run.log_batch', '{"params":[{"key":"a","value":"1"}]}');
    gathered.add('r2', 4, 'run.log_batch', '{"params":[{"key":"a","value":"2"}]}');
    gathered.add('r1', 5, 'run.log_batch', '{"params":[{"key":"a","value":"3"},{"key":"b","value":"4"}]}');
    expect(gathered.of('r1')?.params.get('a')).toEqual({ value: '1', seq: 3 });
    expect(gathered.of('r1')?.params.get('b')).toEqual({ value: '4', seq: 5 });
    expect(gathered.of('r2')?.params.get('a')).toEqual({ value: '2', seq: 4 });
    expect(gathered.of('never')?.events).toBe(0);
    expect(gathered.runs()).toEqual([
      { runId: 'r1', firstSeq: 3 },
      { runId: 'r2', firstSeq: 4 },
    ]);
  });

  it('stop gathering once the recorded values pass the limit, and say so', () => {
    const gathered = new RunExpectations(10);
    for (let i = 0; i < 8; i++) gathered.add('r1', i + 1, 'run.log_batch', `{"params":[{"key":"p${i}","value":"v"}]}`);
    expect(gathered.gathering).toBe(true);
    expect(gathered.of('r1')?.params.size).toBe(8);
    for (let i = 8; i < 12; i++) gathered.add('r1', i + 1, 'run.log_batch', `{"params":[{"key":"p${i}","value":"v"}]}`);
    expect(gathered.gathering).toBe(false);
    expect(gathered.of('r1')).toBeUndefined();
    expect(gathered.runs()).toBeUndefined();
  });

  it('count a value once however often it is written again', () => {
    const gathered = new RunExpectations(3);
    for (let i = 0; i < 100; i++)
      gathered.add('r1', i + 1, 'run.log_batch', `{"tags":[{"key":"progress","value":"${i}"}]}`);
    expect(gathered.gathering).toBe(true);
    expect(gathered.of('r1')?.laterTags.get('progress')).toEqual({ value: '99', seq: 100 });
  });
});
