import type { Policy, PolicyOverrideState, PolicyRefusalState } from '../../governance/policy.js';
import type { DatasetVersion } from '../../lineage/dataset-version.js';
import type { LineageEdge } from '../../lineage/graph.js';
import type { RunLifecycle } from '../../lineage/run-state.js';
import type { CheckResult, Evaluation, ModelVersion, RegisteredModel } from '../../registry/entities.js';
import type { RevalidationFlag } from '../../registry/revalidation.js';
import type { DatasetInput, Experiment } from '../../tracking/entities.js';
import type { LoggedModel } from '../../tracking/logged-model.js';
import type { SignedCheckpoint } from '../checkpoint.js';
import type {
  DeniedAttemptState,
  PrincipalState,
  RestrictionState,
  RoleBindingState,
  TeamMemberState,
  TeamState,
  TokenState,
} from './access-states.js';
import type { ProtectionRuleState, TransitionRequestState } from './approval-states.js';
import type { CommentState, MilestoneState, OwnerState, ReportState } from './collaboration-states.js';
import type { DeclaredDependenciesState } from './dependency-states.js';
import type {
  CodeRefState,
  DatasetState,
  DeploymentState,
  DeploymentTargetState,
  EnvironmentState,
  FeatureState,
  FeatureVersionState,
  TargetEnvironmentSetState,
} from './lineage-states.js';
import type { LoggedModelFileState, RunModelLinkState } from './logged-model-states.js';
import type {
  AliasDeletedState,
  AliasSetState,
  AttestationState,
  DeletedFileState,
  DeletedState,
  MetadataSchemaState,
  MetadataSubjectState,
  MetricBatchState,
  ModelVersionDeletedState,
  NamingRuleState,
  OpenLineageEventState,
  OpenLineageRunCreatedState,
  PurgedState,
  PurgedVersionState,
  RegisteredModelDeletedState,
  RunFileState,
  RunRequirementsState,
  RunResealState,
  RunState,
  SecretKeyState,
  SigningKeyRotatedState,
  SigningKeyState,
  StoredFileState,
  VocabularyState,
  WebhookDeletedState,
  WebhookState,
} from './recorded-states.js';
import type { SavedSearchState, SavedSearchSubscriptionState, SearchPreferenceState } from './search-states.js';

/**
 * What one action records: the entity kinds it is filed under and the state it holds. `State` exists only as a type.
 * `stateVersion` is the version of the state writers record now. Version 1 states carry no version (they are what
 * every server before this catalog recorded); a later version must carry `stateVersion: n` in the state itself, and
 * the verifier must keep reading every earlier version, since the log is permanent.
 */
export interface AuditEventSpec<Kind extends string, State> {
  readonly entityKinds: readonly Kind[];
  readonly stateVersion: number;
  /** Never set: carries the state's type. */
  readonly state?: State;
}

const records =
  <State>(stateVersion = 1) =>
  <const Kind extends string>(...entityKinds: Kind[]): AuditEventSpec<Kind, State> => ({ entityKinds, stateVersion });

/**
 * Every action the audit log records. Adding an event is adding its line here (with its state type, and a snapshot
 * function beside the state when the verifier compares it with a row); writers and the verifier can name no other.
 */
export const AUDIT_EVENTS = {
  'experiment.create': records<Experiment>()('experiment'),
  'experiment.rename': records<Experiment>()('experiment'),
  'experiment.delete': records<Experiment>()('experiment'),
  'experiment.restore': records<Experiment>()('experiment'),
  'experiment.set_tags': records<Experiment>()('experiment'),
  'experiment.delete_tag': records<Experiment>()('experiment'),
  'experiment.purge': records<PurgedState>()('experiment'),

  'run.create': records<RunState | OpenLineageRunCreatedState>()('run'),
  'run.update': records<RunState | RunLifecycle>()('run'),
  'run.delete': records<RunState>()('run'),
  'run.restore': records<RunState>()('run'),
  'run.set_tag': records<RunState>()('run'),
  'run.delete_tag': records<RunState>()('run'),
  'run.log_model': records<RunState>()('run'),
  'run.log_batch': records<MetricBatchState>()('run'),
  'run.log_inputs': records<DatasetInput[]>()('run'),
  'run.reseal': records<RunResealState>()('run'),
  'run.purge': records<PurgedState>()('run'),
  'artifact.upload': records<RunFileState | StoredFileState>()('run', 'artifact'),
  'artifact.delete': records<DeletedFileState>()('run', 'artifact'),

  'logged_model.create': records<LoggedModel>()('logged_model'),
  'logged_model.finalize': records<LoggedModel>()('logged_model'),
  'logged_model.set_tags': records<LoggedModel>()('logged_model'),
  'logged_model.delete_tag': records<LoggedModel>()('logged_model'),
  'logged_model.log_params': records<LoggedModel>()('logged_model'),
  'logged_model.log_metrics': records<LoggedModel>()('logged_model'),
  'logged_model.register': records<LoggedModel>()('logged_model'),
  'logged_model.delete': records<LoggedModel>()('logged_model'),
  'logged_model_file.upload': records<LoggedModelFileState>()('logged_model_file'),
  'logged_model_file.delete': records<DeletedFileState>()('logged_model_file'),
  'run_model_link.create': records<RunModelLinkState>()('run_model_link'),

  'registered_model.create': records<RegisteredModel>()('registered_model'),
  'registered_model.update': records<RegisteredModel>()('registered_model'),
  'registered_model.rename': records<RegisteredModel>()('registered_model'),
  'registered_model.set_tags': records<RegisteredModel>()('registered_model'),
  'registered_model.delete_tag': records<RegisteredModel>()('registered_model'),
  'registered_model.reseal': records<RegisteredModel>()('registered_model'),
  'registered_model.delete': records<RegisteredModelDeletedState>()('registered_model'),
  'registered_model.set_alias': records<AliasSetState>()('registered_model'),
  'registered_model.delete_alias': records<AliasDeletedState>()('registered_model'),
  'model_version.create': records<ModelVersion & { storagePath: string }>()('model_version'),
  'model_version.update': records<ModelVersion>()('model_version'),
  'model_version.set_tags': records<ModelVersion>()('model_version'),
  'model_version.delete_tag': records<ModelVersion>()('model_version'),
  'model_version.reseal': records<ModelVersion>()('model_version'),
  'model_version.transition_stage': records<ModelVersion>()('model_version'),
  'model_version.delete': records<ModelVersionDeletedState>()('model_version'),
  'model_version.purge': records<PurgedVersionState>()('model_version'),
  'model_version.record_evaluations': records<Evaluation[]>()('model_version'),
  'model_version.record_checks': records<CheckResult[]>()('model_version'),
  'model_version.set_dependencies': records<DeclaredDependenciesState>()('model_version_dependencies'),
  'revalidation_flag.raise': records<RevalidationFlag>()('revalidation_flag'),
  'revalidation_flag.clear': records<RevalidationFlag>()('revalidation_flag'),

  'metadata_subject.update': records<MetadataSubjectState>()('metadata_subject'),
  'metadata_subject.set_compatibility': records<MetadataSubjectState>()('metadata_subject'),
  'metadata_schema.register': records<MetadataSchemaState>()('metadata_schema'),
  'vocabulary.put': records<VocabularyState>()('vocabulary'),
  'vocabulary.delete': records<DeletedState>()('vocabulary'),
  'naming_rule.put': records<NamingRuleState>()('naming_rule'),
  'naming_rule.delete': records<DeletedState>()('naming_rule'),
  'run_requirements.put': records<RunRequirementsState>()('run_requirements'),
  'run_requirements.delete': records<DeletedState>()('run_requirements'),
  'policy.put': records<Policy>()('policy'),
  'policy.delete': records<DeletedState>()('policy'),
  'model_version.policy_override': records<PolicyOverrideState>()('model_version'),
  'model_version.policy_refusal': records<PolicyRefusalState>()('model_version'),

  'lineage.dataset.create': records<DatasetState>()('dataset'),
  'lineage.dataset_version.create': records<DatasetVersion>()('dataset_version'),
  'lineage.dataset_version.update': records<DatasetVersion>()('dataset_version'),
  'lineage.dataset_version.drift': records<DatasetVersion>()('dataset_version'),
  'lineage.feature.create': records<FeatureState>()('feature'),
  'lineage.feature_version.create': records<FeatureVersionState>()('feature_version'),
  'lineage.environment.create': records<EnvironmentState>()('environment'),
  'lineage.code_ref.create': records<CodeRefState>()('code_ref'),
  'lineage.deployment_target.create': records<DeploymentTargetState>()('deployment_target'),
  'lineage.deployment_target.set_environment': records<TargetEnvironmentSetState>()('deployment_target'),
  'lineage.deployment.create': records<DeploymentState>()('deployment'),
  'lineage.deployment.update': records<DeploymentState>()('deployment'),
  'lineage.edge.create': records<LineageEdge>()('lineage_edge'),
  'openlineage.event': records<OpenLineageEventState>()('openlineage_run'),

  'webhook.create': records<WebhookState>()('webhook'),
  'webhook.update': records<WebhookState>()('webhook'),
  'webhook.delete': records<WebhookDeletedState>()('webhook'),
  'secret_key.create': records<SecretKeyState>()('secret_key'),

  'attestation.create': records<AttestationState>()('attestation'),
  'signing_key.register': records<SigningKeyState>()('signing_key'),
  'signing_key.rotate': records<SigningKeyRotatedState>()('signing_key'),
  'audit.checkpoint': records<SignedCheckpoint>()('checkpoint'),

  'principal.create': records<PrincipalState>()('principal'),
  'principal.activate': records<PrincipalState>()('principal'),
  'principal.deactivate': records<PrincipalState>()('principal'),
  'principal.password': records<PrincipalState>()('principal'),
  'team.create': records<TeamState>()('team'),
  'team.member.add': records<TeamMemberState>()('team_member'),
  'team.member.remove': records<DeletedState>()('team_member'),
  'token.create': records<TokenState>()('api_token'),
  'token.revoke': records<TokenState>()('api_token'),
  'permission.grant': records<RoleBindingState>()('role_binding'),
  'permission.revoke': records<DeletedState>()('role_binding'),
  'resource.restrict': records<RestrictionState>()('restricted_resource'),
  'resource.unrestrict': records<DeletedState>()('restricted_resource'),
  'access.deny': records<DeniedAttemptState>()('access_attempt'),

  'protection_rule.put': records<ProtectionRuleState>()('protection_rule'),
  'protection_rule.delete': records<DeletedState>()('protection_rule'),
  'transition_request.create': records<TransitionRequestState>()('transition_request'),
  'transition_request.approve': records<TransitionRequestState>()('transition_request'),
  'transition_request.reject': records<TransitionRequestState>()('transition_request'),
  'transition_request.comment': records<TransitionRequestState>()('transition_request'),
  'transition_request.withdraw': records<TransitionRequestState>()('transition_request'),
  'transition_request.expire': records<TransitionRequestState>()('transition_request'),
  'transition_request.break_glass': records<TransitionRequestState>()('transition_request'),

  'comment.create': records<CommentState>()('comment'),
  'comment.update': records<CommentState>()('comment'),
  'comment.delete': records<DeletedState>()('comment'),
  'milestone.create': records<MilestoneState>()('milestone'),
  'milestone.delete': records<DeletedState>()('milestone'),
  'owner.set': records<OwnerState>()('owner'),
  'owner.clear': records<DeletedState>()('owner'),

  'search_preference.set': records<SearchPreferenceState>()('search_preference'),
  'saved_search.create': records<SavedSearchState>()('saved_search'),
  'saved_search.delete': records<DeletedState>()('saved_search'),
  'saved_search.subscribe': records<SavedSearchSubscriptionState>()('saved_search_subscription'),
  'saved_search.unsubscribe': records<DeletedState>()('saved_search_subscription'),
  'report.create': records<ReportState>()('report'),
  'report.update': records<ReportState>()('report'),
  'report.delete': records<DeletedState>()('report'),
} as const;

type Catalog = typeof AUDIT_EVENTS;

/** Every action the audit log may hold. */
export type AuditAction = keyof Catalog;

type KindOf<A extends AuditAction> = Catalog[A]['entityKinds'][number];
type StateOf<A extends AuditAction> = Catalog[A] extends AuditEventSpec<string, infer State> ? State : never;

/** Every entity kind the audit log files events under. */
export type AuditEntityKind = KindOf<AuditAction>;

/** The state an action records. */
export type AuditState<A extends AuditAction> = StateOf<A>;

/** One audit record as a writer hands it over: an action of the catalog, one of its kinds, and its state. */
export type AuditRecord = {
  [A in AuditAction]: { action: A; entityKind: KindOf<A>; entityId: string; state: StateOf<A> };
}[AuditAction];

/** The actions filed under an entity kind. */
export type AuditActionOf<Kind extends AuditEntityKind> = {
  [A in AuditAction]: Kind extends KindOf<A> ? A : never;
}[AuditAction];

/** The actions of a kind whose state is `State`: what a helper that records one shape for several actions takes. */
export type AuditActionRecording<Kind extends AuditEntityKind, State> = {
  [A in AuditActionOf<Kind>]: [State] extends [StateOf<A>] ? A : never;
}[AuditActionOf<Kind>];

export const isAuditAction = (action: string): action is AuditAction => Object.hasOwn(AUDIT_EVENTS, action);

/** The actions of a kind, for the verifier's queries (which must name actions only through the catalog). */
export const auditActionsOf = <Kind extends AuditEntityKind>(kind: Kind): AuditActionOf<Kind>[] =>
  (Object.keys(AUDIT_EVENTS) as AuditAction[]).filter((action) =>
    (AUDIT_EVENTS[action].entityKinds as readonly string[]).includes(kind),
  ) as AuditActionOf<Kind>[];
