import { describe, expect, it } from 'vitest';
import { announcementOf, deliveryBody, exampleData } from './payloads.js';
import { VALID_ACTIONS, type WebhookEntity } from './webhook-event.js';

describe("payloads of Mnemo's own events", () => {
  it("scopes a saved search's new results to its subscriber, not to a model of the search's name", () => {
    const announcement = announcementOf({
      kind: 'saved_search.new_results',
      savedSearchId: 's1',
      name: 'fraud',
      path: '/searches/s1',
      principalId: 'p1',
      total: 7,
      results: [{ type: 'run', id: 'r1', name: 'fraud-run' }],
    });
    expect(announcement).toEqual({
      event: { entity: 'SAVED_SEARCH', action: 'NEW_RESULTS' },
      data: {
        saved_search_id: 's1',
        name: 'fraud',
        path: '/searches/s1',
        total: 7,
        results: [{ type: 'run', id: 'r1', name: 'fraud-run' }],
      },
      scope: { principalId: 'p1' },
    });
  });

  it('shapes a transition request decision with its target and scopes it to the model', () => {
    const announcement = announcementOf({
      kind: 'transition_request.rejected',
      requestId: 'r1',
      name: 'fraud',
      version: 3,
      target: { alias: 'champion' },
      requestedBy: 'alice',
      decidedBy: 'bob',
      comment: 'not yet',
    });
    expect(announcement).toEqual({
      event: { entity: 'TRANSITION_REQUEST', action: 'REJECTED' },
      data: {
        request_id: 'r1',
        name: 'fraud',
        version: '3',
        target_alias: 'champion',
        requested_by: 'alice',
        decided_by: 'bob',
        comment: 'not yet',
      },
      scope: { model: 'fraud' },
    });
  });

  it('scopes a finished run to its experiment, and writes the envelope in lower case', () => {
    const announcement = announcementOf({
      kind: 'run.finished',
      runId: 'abc',
      experimentId: '42',
      runName: null,
      status: 'FAILED',
      startTime: 1,
      endTime: 2,
    });
    expect(announcement.scope).toEqual({ experimentId: '42' });
    expect(JSON.parse(deliveryBody(announcement, new Date(0)))).toEqual({
      entity: 'run',
      action: 'finished',
      timestamp: '1970-01-01T00:00:00.000Z',
      data: { run_id: 'abc', experiment_id: '42', run_name: null, status: 'FAILED', start_time: 1, end_time: 2 },
    });
  });

  it("scopes an anomaly flag to its run's experiment and carries the evidence of each flag", () => {
    const announcement = announcementOf({
      kind: 'run.anomaly_flagged',
      runId: 'abc',
      experimentId: '42',
      runName: 'nightly',
      startTime: 5,
      flags: [
        {
          runId: 'abc',
          metric: 'auc',
          value: 0.2,
          startTime: 5,
          median: 0.8,
          mad: 0.01,
          z: -40.47,
          basis: 'mad',
          threshold: 3.5,
          windowRunIds: ['a', 'b', 'c', 'd', 'e'],
        },
      ],
    });
    expect(announcement.scope).toEqual({ experimentId: '42' });
    expect(announcement.event).toEqual({ entity: 'RUN', action: 'ANOMALY_FLAGGED' });
    expect(announcement.data).toEqual({
      run_id: 'abc',
      experiment_id: '42',
      run_name: 'nightly',
      start_time: 5,
      flags: [
        {
          metric: 'auc',
          value: 0.2,
          median: 0.8,
          mad: 0.01,
          z: -40.47,
          basis: 'mad',
          threshold: 3.5,
          window_run_ids: ['a', 'b', 'c', 'd', 'e'],
        },
      ],
    });
  });

  it('has an example for every event a test delivery may send, prompts aside', () => {
    for (const [entity, actions] of Object.entries(VALID_ACTIONS)) {
      for (const action of actions) {
        expect(
          Object.keys(exampleData({ entity: entity as WebhookEntity, action })),
          `${entity}.${action}`,
        ).not.toEqual([]);
      }
    }
  });
});
