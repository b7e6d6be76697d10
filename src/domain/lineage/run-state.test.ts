import { describe, expect, it } from 'vitest';
import type { OpenLineageEventType } from './openlineage-event.js';
import { applyRunEvent, type RunLifecycle } from './run-state.js';

const fold = (events: [OpenLineageEventType, number][]): RunLifecycle | null =>
  events.reduce<RunLifecycle | null>((state, [type, time]) => applyRunEvent(state, type, time), null);

describe('applyRunEvent', () => {
  it('gives the same lifecycle whatever order START and COMPLETE arrive in', () => {
    const expected = { status: 'FINISHED', startTime: 100, endTime: 200 };
    expect(
      fold([
        ['START', 100],
        ['COMPLETE', 200],
      ]),
    ).toEqual(expected);
    expect(
      fold([
        ['COMPLETE', 200],
        ['START', 100],
      ]),
    ).toEqual(expected);
    expect(
      fold([
        ['RUNNING', 150],
        ['COMPLETE', 200],
        ['START', 100],
      ]),
    ).toEqual(expected);
  });

  it('lets the latest terminal event decide, whatever order they arrive in', () => {
    expect(
      fold([
        ['FAIL', 150],
        ['COMPLETE', 300],
      ]),
    ).toMatchObject({ status: 'FINISHED', endTime: 300 });
    expect(
      fold([
        ['COMPLETE', 300],
        ['FAIL', 150],
      ]),
    ).toMatchObject({ status: 'FINISHED', endTime: 300 });
    expect(
      fold([
        ['START', 1],
        ['ABORT', 5],
      ]),
    ).toMatchObject({ status: 'KILLED', endTime: 5 });
  });

  it('keeps a run running until a terminal event, and OTHER changes nothing but the start', () => {
    expect(
      fold([
        ['START', 10],
        ['RUNNING', 20],
        ['OTHER', 30],
      ]),
    ).toEqual({
      status: 'RUNNING',
      startTime: 10,
      endTime: null,
    });
    expect(
      fold([
        ['COMPLETE', 10],
        ['OTHER', 5],
      ]),
    ).toEqual({ status: 'FINISHED', startTime: 5, endTime: 10 });
  });
});
