import { describe, expect, it } from 'vitest';
import { announcementOf, deliveryBody, exampleData } from './payloads.js';
import { VALID_ACTIONS, type WebhookEntity } from './webhook-event.js';

describe("payloads of Mnemo's own events", () => {
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
