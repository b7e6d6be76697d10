import type { AnomalyFlag } from '../dashboards/anomaly-flags.js';
import type { PathStep } from '../lineage/impact.js';
import type { ModelVersion, RegisteredModel } from '../registry/entities.js';
import type { RevalidationCause } from '../registry/revalidation.js';

/** Where a transition request or a policy wants a version to go: a stage or an alias. */
export type TransitionTarget = { stage: string } | { alias: string };

/** A registry change that webhooks can be told about, announced once the change has committed. */
export type RegistryEvent =
  | { kind: 'registered_model.created'; model: RegisteredModel }
  | { kind: 'model_version.created'; version: ModelVersion }
  | { kind: 'model_version_tag.set'; name: string; version: number; key: string; value: string }
  | { kind: 'model_version_tag.deleted'; name: string; version: number; key: string }
  | { kind: 'model_version_alias.created'; name: string; alias: string; version: number }
  | { kind: 'model_version_alias.deleted'; name: string; alias: string }
  /** A run reached a terminal status (FINISHED, FAILED or KILLED). */
  | {
      kind: 'run.finished';
      runId: string;
      experimentId: string;
      runName: string | null;
      status: string;
      startTime: number;
      endTime: number | null;
    }
  /**
   * A run that just finished lies outside its experiment's recent distribution on one or more metrics (a robust
   * z-score beyond the threshold against the earlier finished runs): each flag carries the numbers behind it.
   */
  | {
      kind: 'run.anomaly_flagged';
      runId: string;
      experimentId: string;
      runName: string | null;
      startTime: number;
      flags: AnomalyFlag[];
    }
  /** A version moved between stages (one event per version moved, archived ones included). */
  | {
      kind: 'model_version.stage_changed';
      name: string;
      version: number;
      fromStage: string;
      toStage: string;
      actor: string;
      reason: string | null;
    }
  /**
   * A version was flagged for revalidation: a check recorded against it in use failed, or something it was trained on
   * changed upstream (then `cause` names the change and `path` the lineage edges from it to the version).
   */
  | {
      kind: 'model_version.needs_revalidation';
      name: string;
      version: number;
      stage: string;
      reasons: string[];
      cause?: RevalidationCause;
      path?: PathStep[];
    }
  | {
      kind: 'transition_request.created';
      requestId: string;
      name: string;
      version: number;
      target: TransitionTarget;
      requestedBy: string;
      reason: string | null;
    }
  | {
      kind: 'transition_request.approved' | 'transition_request.rejected';
      requestId: string;
      name: string;
      version: number;
      target: TransitionTarget;
      requestedBy: string;
      decidedBy: string;
      comment: string | null;
    }
  /**
   * A saved search one principal subscribes to has new results: those they may read, found with their permissions
   * (`total` counts them all, `results` names the first ones). Only webhooks that principal owns hear of it.
   */
  | {
      kind: 'saved_search.new_results';
      savedSearchId: string;
      name: string;
      path: string;
      principalId: string;
      total: number;
      results: { type: string; id: string; name: string }[];
    }
  /** A promotion was refused (or overridden) because policy rules failed. */
  | {
      kind: 'policy.failed';
      name: string;
      version: number;
      target: TransitionTarget;
      failures: { rule: string; message: string }[];
      overridden: boolean;
    };
