import type { RunLifecycle } from '../../lineage/run-state.js';
import type { EntityKind } from '../../registry/naming-rule.js';
import type { CompatibilityMode } from '../../registry/schema/compatibility-mode.js';
import type { JsonSchema } from '../../registry/schema/json-schema.js';
import type { VocabularyTerm } from '../../registry/vocabulary.js';
import type { KeyValue, RunInfo } from '../../tracking/entities.js';
import type { RunRequirements } from '../../tracking/run-requirements.js';
import type { Webhook } from '../../webhooks/webhook.js';

/*
 * The version 1 states of audit events whose shape is not an entity of the domain already, exactly as writers have
 * recorded them. Lineage entities have theirs, with the functions that build them, in lineage-states.ts.
 */

/** A run as the run service records it after every change: its info and its tags. */
export type RunState = RunInfo & { tags: KeyValue[] };

/** A run an OpenLineage event created: the Mnemo run, its experiment and its lifecycle. */
export interface OpenLineageRunCreatedState {
  runId: string;
  experimentId: string;
  lifecycle: RunLifecycle;
}

/** A logged batch: its metric points by digest (see metric-batch-digest.ts), its params and tags in full. */
export interface MetricBatchState {
  metrics: { encoding: string; batch: number; count: number; sha256: string };
  params: KeyValue[];
  tags: KeyValue[];
}

/** A file stored under a run's or a logged model's artifact path, as its row was inserted. */
export interface RunFileState {
  run_id: string;
  path: string;
  size: number;
  sha256: string;
  created_time: number;
}

/** A file written under the artifact root outside any run: what was stored. */
export interface StoredFileState {
  size: number;
  sha256: string;
}

/** A deleted file: its path. */
export interface DeletedFileState {
  path: string;
}

export interface RegisteredModelDeletedState {
  name: string;
  deleted: true;
}

export interface AliasSetState {
  name: string;
  alias: string;
  version: number;
  lastUpdatedTime: number;
}

export interface AliasDeletedState {
  name: string;
  alias: string;
  deleted: true;
  lastUpdatedTime: number;
}

export interface ModelVersionDeletedState {
  name: string;
  version: number;
  deleted: true;
  deletedTime: number;
}

export interface MetadataSubjectState {
  subject: string;
  compatibility: CompatibilityMode;
  latestVersion: number;
  creationTime: number;
  lastUpdatedTime: number;
}

export interface MetadataSchemaState {
  subject: string;
  version: number;
  schema: JsonSchema;
  schemaDigest: string;
  creationTime: number;
}

export interface VocabularyState {
  tagKey: string;
  description: string | null;
  terms: VocabularyTerm[];
  creationTime: number;
  lastUpdatedTime: number;
}

export interface NamingRuleState {
  entityKind: EntityKind;
  pattern: string;
  description: string | null;
  creationTime: number;
  lastUpdatedTime: number;
}

/** A governance entry that was removed. */
export interface DeletedState {
  deleted: true;
}

/**
 * An entity removed for good by garbage collection, after it had been deleted for longer than the retention period:
 * when it was deleted, when it was purged, and the retention that allowed it. Its rows are gone; this event is what
 * vouches that they went on purpose.
 */
export interface PurgedState {
  purged: true;
  deletedTime: number;
  purgedTime: number;
  retentionMs: number;
}

/**
 * A purged model version also names the records of its own that went with it, so their rows being gone is
 * accounted for (older purges left them in place and name none).
 */
export interface PurgedVersionState extends PurgedState {
  /** Whether its declared dependencies went with it. */
  declaredDependencies: boolean;
  /** The ids of the revalidation flags raised on it that went with it. */
  revalidationFlags: string[];
}

/** An accepted OpenLineage event (its payload by digest) and the OpenLineage run as it left it. */
export interface OpenLineageEventState {
  eventId: string;
  eventType: string;
  eventTime: number;
  payloadDigest: string;
  receivedTime: number;
  runId: string;
  run: {
    runId: string;
    ownsRun: boolean;
    jobNamespace: string;
    jobName: string;
    producer: string;
    status: string;
    startTime: number;
    endTime: number | null;
    runFacetsDigest: string;
    jobFacetsDigest: string;
    updatedTime: number;
  };
}

/** A webhook as the API returns it, and its sealed secret by digest (never the secret). */
export type WebhookState = Webhook & { secretDigest: string | null };

export interface WebhookDeletedState {
  webhookId: string;
  deleted: true;
}

/** A generated key for sealing secrets: its id, never its bytes. */
export interface SecretKeyState {
  keyId: string;
  creationTime: number;
}

/**
 * A rotation re-sealed some of a run's sensitive values (under the current key) or sealed values that had become
 * sensitive: the values as now stored, each as its digest (see domain/encryption/sealed-value.ts).
 */
export interface RunResealState {
  keyId: string;
  params: KeyValue[];
  tags: KeyValue[];
}

export interface AttestationState {
  subjectKind: 'run' | 'model_version';
  subjectId: string;
  keyId: string;
  envelopeDigest: string;
}

/** A signing key's public row as it was inserted. */
export interface SigningKeyState {
  key_id: string;
  algorithm: string;
  public_key: string;
  created_time: number;
}

export type SigningKeyRotatedState = SigningKeyState & { previousKeyId: string };

/** What a scope (`server`, `team:<id>`, `experiment:<id>`) requires of finished runs, with its stored times. */
export interface RunRequirementsState {
  scope: string;
  requirements: RunRequirements;
  creationTime: number;
  lastUpdatedTime: number;
}
