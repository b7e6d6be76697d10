import type { KeyValue } from '../tracking/entities.js';
import type { RegistryEvent, TransitionTarget } from './registry-event.js';
import type { WebhookEntity, WebhookEvent } from './webhook-event.js';

/** What one delivery carries besides its envelope: the `data` MLflow sends for the event. */
export type DeliveryData = Record<string, unknown>;

/**
 * What an event is about, for deciding who may hear of it: a registered model (by name), an experiment (by id), or
 * one principal (what was found with their permissions, such as new results of a saved search they subscribe to:
 * only webhooks they own hear of it). Absent on events staged before scopes existed.
 */
export type EventScope = { model: string } | { experimentId: string } | { principalId: string };

export interface Announcement {
  event: WebhookEvent;
  data: DeliveryData;
  scope?: EventScope;
}

const targetData = (target: TransitionTarget): Record<string, string> =>
  'stage' in target ? { target_stage: target.stage } : { target_alias: target.alias };

const tagObject = (tags: readonly KeyValue[]): Record<string, string> =>
  Object.fromEntries(tags.map((t) => [t.key, t.value]));

/** The webhook event a registry change fires, its data and its scope. */
export function announcementOf(change: RegistryEvent): Announcement {
  const announcement = unscopedAnnouncementOf(change);
  if (change.kind === 'run.finished' || change.kind === 'run.anomaly_flagged') {
    return { ...announcement, scope: { experimentId: change.experimentId } };
  }
  if (change.kind === 'saved_search.new_results')
    return { ...announcement, scope: { principalId: change.principalId } };
  const name = typeof announcement.data.name === 'string' ? announcement.data.name : undefined;
  return name === undefined ? announcement : { ...announcement, scope: { model: name } };
}

/** The event and its data, shaped as MLflow's payload types (versions as strings, snake_case keys). */
function unscopedAnnouncementOf(change: RegistryEvent): Announcement {
  switch (change.kind) {
    case 'registered_model.created':
      return {
        event: { entity: 'REGISTERED_MODEL', action: 'CREATED' },
        data: { name: change.model.name, tags: tagObject(change.model.tags), description: change.model.description },
      };
    case 'model_version.created': {
      const v = change.version;
      return {
        event: { entity: 'MODEL_VERSION', action: 'CREATED' },
        data: {
          name: v.name,
          version: String(v.version),
          source: v.source,
          run_id: v.runId,
          tags: tagObject(v.tags),
          description: v.description,
        },
      };
    }
    case 'model_version_tag.set':
      return {
        event: { entity: 'MODEL_VERSION_TAG', action: 'SET' },
        data: { name: change.name, version: String(change.version), key: change.key, value: change.value },
      };
    case 'model_version_tag.deleted':
      return {
        event: { entity: 'MODEL_VERSION_TAG', action: 'DELETED' },
        data: { name: change.name, version: String(change.version), key: change.key },
      };
    case 'model_version_alias.created':
      return {
        event: { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
        data: { name: change.name, alias: change.alias, version: String(change.version) },
      };
    case 'model_version_alias.deleted':
      return {
        event: { entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' },
        data: { name: change.name, alias: change.alias },
      };
    case 'run.finished':
      return {
        event: { entity: 'RUN', action: 'FINISHED' },
        data: {
          run_id: change.runId,
          experiment_id: change.experimentId,
          run_name: change.runName,
          status: change.status,
          start_time: change.startTime,
          end_time: change.endTime,
        },
      };
    case 'run.anomaly_flagged':
      return {
        event: { entity: 'RUN', action: 'ANOMALY_FLAGGED' },
        data: {
          run_id: change.runId,
          experiment_id: change.experimentId,
          run_name: change.runName,
          start_time: change.startTime,
          flags: change.flags.map((f) => ({
            metric: f.metric,
            value: f.value,
            median: f.median,
            mad: f.mad,
            z: f.z,
            basis: f.basis,
            threshold: f.threshold,
            window_run_ids: f.windowRunIds,
          })),
        },
      };
    case 'model_version.stage_changed':
      return {
        event: { entity: 'MODEL_VERSION', action: 'STAGE_CHANGED' },
        data: {
          name: change.name,
          version: String(change.version),
          from_stage: change.fromStage,
          to_stage: change.toStage,
          changed_by: change.actor,
          reason: change.reason,
        },
      };
    case 'model_version.needs_revalidation':
      return {
        event: { entity: 'MODEL_VERSION', action: 'NEEDS_REVALIDATION' },
        data: {
          name: change.name,
          version: String(change.version),
          stage: change.stage,
          reasons: change.reasons,
          ...(change.cause
            ? {
                cause: {
                  kind: change.cause.kind,
                  upstream_node: change.cause.upstreamNodeId,
                  upstream_label: change.cause.upstreamLabel,
                  replaced_node: change.cause.replacedNodeId,
                  description: change.cause.description,
                },
              }
            : {}),
          ...(change.path
            ? { path: change.path.map((s) => ({ from: s.from, to: s.to, type: s.type, run_id: s.runId })) }
            : {}),
        },
      };
    case 'transition_request.created':
      return {
        event: { entity: 'TRANSITION_REQUEST', action: 'CREATED' },
        data: {
          request_id: change.requestId,
          name: change.name,
          version: String(change.version),
          ...targetData(change.target),
          requested_by: change.requestedBy,
          reason: change.reason,
        },
      };
    case 'transition_request.approved':
    case 'transition_request.rejected': {
      const decision = change.kind === 'transition_request.approved' ? 'APPROVED' : 'REJECTED';
      return {
        event: { entity: 'TRANSITION_REQUEST', action: decision },
        data: {
          request_id: change.requestId,
          name: change.name,
          version: String(change.version),
          ...targetData(change.target),
          requested_by: change.requestedBy,
          decided_by: change.decidedBy,
          comment: change.comment,
        },
      };
    }
    case 'saved_search.new_results':
      return {
        event: { entity: 'SAVED_SEARCH', action: 'NEW_RESULTS' },
        data: {
          saved_search_id: change.savedSearchId,
          name: change.name,
          path: change.path,
          total: change.total,
          results: change.results.map((r) => ({ type: r.type, id: r.id, name: r.name })),
        },
      };
    case 'policy.failed':
      return {
        event: { entity: 'POLICY', action: 'FAILED' },
        data: {
          name: change.name,
          version: String(change.version),
          ...targetData(change.target),
          failures: change.failures,
          overridden: change.overridden,
        },
      };
  }
}

/** The sample data a test delivery sends for each event, as MLflow's example payloads. */
const EXAMPLES: Record<string, DeliveryData> = {
  'REGISTERED_MODEL.CREATED': {
    name: 'example_model',
    tags: { example_key: 'example_value' },
    description: 'An example registered model',
  },
  'MODEL_VERSION.CREATED': {
    name: 'example_model',
    version: '1',
    source: 'runs:/abcd1234abcd5678/model',
    run_id: 'abcd1234abcd5678',
    tags: { example_key: 'example_value' },
    description: 'An example model version',
  },
  'MODEL_VERSION_TAG.SET': { name: 'example_model', version: '1', key: 'example_key', value: 'example_value' },
  'MODEL_VERSION_TAG.DELETED': { name: 'example_model', version: '1', key: 'example_key' },
  'MODEL_VERSION_ALIAS.CREATED': { name: 'example_model', alias: 'example_alias', version: '1' },
  'MODEL_VERSION_ALIAS.DELETED': { name: 'example_model', alias: 'example_alias' },
  'PROMPT.CREATED': { name: 'example_prompt', tags: { example_key: 'example_value' }, description: null },
  'PROMPT_VERSION.CREATED': {
    name: 'example_prompt',
    version: '1',
    template: 'Hello {{name}}',
    tags: { example_key: 'example_value' },
    description: null,
  },
  'PROMPT_TAG.SET': { name: 'example_prompt', key: 'example_key', value: 'example_value' },
  'PROMPT_TAG.DELETED': { name: 'example_prompt', key: 'example_key' },
  'PROMPT_VERSION_TAG.SET': { name: 'example_prompt', version: '1', key: 'example_key', value: 'example_value' },
  'PROMPT_VERSION_TAG.DELETED': { name: 'example_prompt', version: '1', key: 'example_key' },
  'PROMPT_ALIAS.CREATED': { name: 'example_prompt', alias: 'example_alias', version: '1' },
  'PROMPT_ALIAS.DELETED': { name: 'example_prompt', alias: 'example_alias' },
  'RUN.FINISHED': {
    run_id: 'abcd1234abcd5678',
    experiment_id: '1234567890123456',
    run_name: 'example_run',
    status: 'FINISHED',
    start_time: 1700000000000,
    end_time: 1700000060000,
  },
  'RUN.ANOMALY_FLAGGED': {
    run_id: 'abcd1234abcd5678',
    experiment_id: '1234567890123456',
    run_name: 'example_run',
    start_time: 1700000000000,
    flags: [
      {
        metric: 'val_auc',
        value: 0.61,
        median: 0.9,
        mad: 0.01,
        z: -19.56,
        basis: 'mad',
        threshold: 3.5,
        window_run_ids: [
          'aaaa1111aaaa2222',
          'bbbb1111bbbb2222',
          'cccc1111cccc2222',
          'dddd1111dddd2222',
          'eeee1111eeee2222',
        ],
      },
    ],
  },
  'MODEL_VERSION.STAGE_CHANGED': {
    name: 'example_model',
    version: '1',
    from_stage: 'Staging',
    to_stage: 'Production',
    changed_by: 'example_user',
    reason: null,
  },
  'MODEL_VERSION.NEEDS_REVALIDATION': {
    name: 'example_model',
    version: '1',
    stage: 'Production',
    reasons: ['drift check example_check failed'],
  },
  'TRANSITION_REQUEST.CREATED': {
    request_id: 'example_request',
    name: 'example_model',
    version: '1',
    target_stage: 'Production',
    requested_by: 'example_user',
    reason: null,
  },
  'TRANSITION_REQUEST.APPROVED': {
    request_id: 'example_request',
    name: 'example_model',
    version: '1',
    target_stage: 'Production',
    requested_by: 'example_user',
    decided_by: 'example_approver',
    comment: null,
  },
  'TRANSITION_REQUEST.REJECTED': {
    request_id: 'example_request',
    name: 'example_model',
    version: '1',
    target_stage: 'Production',
    requested_by: 'example_user',
    decided_by: 'example_approver',
    comment: null,
  },
  'POLICY.FAILED': {
    name: 'example_model',
    version: '1',
    target_stage: 'Production',
    failures: [{ rule: 'example_rule', message: 'metric accuracy 0.7 is below 0.8' }],
    overridden: false,
  },
  'SAVED_SEARCH.NEW_RESULTS': {
    saved_search_id: '0123456789abcdef0123456789abcdef',
    name: 'example search',
    path: '/searches/0123456789abcdef0123456789abcdef',
    total: 1,
    results: [{ type: 'model', id: 'example_model', name: 'example_model' }],
  },
};

export const exampleData = (event: WebhookEvent): DeliveryData => ({
  ...(EXAMPLES[`${event.entity}.${event.action}`] ?? {}),
});

/** Payloads name the event in lower case (`model_version`, `created`) as MLflow's delivery does. */
const wireName = (value: WebhookEntity | string): string => value.toLowerCase();

/** The body of one delivery: the event, when it was sent (ISO 8601, UTC) and its data, as JSON text. */
export function deliveryBody(announcement: Announcement, sentAt: Date): string {
  return JSON.stringify({
    entity: wireName(announcement.event.entity),
    action: wireName(announcement.event.action),
    timestamp: sentAt.toISOString(),
    data: announcement.data,
  });
}
