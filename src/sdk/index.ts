/** Mnemo's TypeScript SDK: a typed client of the native API with no dependencies beyond Node.js itself. */
export { ActiveRun, type ActiveRunOptions, type ParamValue } from './active-run.js';
export {
  type ApprovalState,
  ApprovalsClient,
  type Protection,
  type TransitionRequest,
  TransitionRequestedError,
} from './approvals.js';
export type { ArtifactSource } from './artifact-upload.js';
export { MnemoApiError, MnemoConnectionError } from './errors.js';
export type { FetchFunction } from './http-client.js';
export {
  type EdgeType,
  type Impact,
  LineageClient,
  type LineageEdge,
  type LineageNode,
  type LineagePath,
  type ReachedNode,
  type Walk,
} from './lineage.js';
export { Mnemo, type MnemoOptions, SERVER_MAX_BATCH_POINTS, type StartRunOptions } from './mnemo.js';
export {
  type GateResult,
  type Policy,
  PolicyClient,
  type PolicyClientOptions,
  type PolicyInput,
  type PolicyRule,
  type PolicyTarget,
  type PolicyVerdict,
  type RuleFailure,
} from './policies.js';
export { RegistryClient, type RegistryClientOptions } from './registry.js';
export { DEFAULT_RETRY, type RetryOptions, retryFromEnvironment } from './retry-policy.js';
export {
  SearchClient,
  type SearchClientOptions,
  type SearchOptions,
  type SuggestionOptions,
} from './search.js';
export type {
  ArtifactFile,
  DatasetInput,
  Experiment,
  LoggedModel,
  Metric,
  Run,
  RunStatus,
  SearchExperimentsOptions,
  SearchRunsOptions,
  ViewType,
} from './types.js';
export {
  type NotificationItem,
  NotificationsClient,
  type Webhook,
  type WebhookDelivery,
  type WebhookInput,
  WebhooksClient,
} from './webhooks.js';
export type {
  WireAnomalyFlag as AnomalyFlag,
  WireExperimentDashboard as ExperimentDashboard,
  WireFailedCheck as FailedCheck,
  WireTeamDashboard as TeamDashboard,
} from './wire/dashboard-shapes.js';
export type { WireMetricChange as MetricChange, WireRunDiff as RunDiff } from './wire/run-diff-shapes.js';
export type {
  Completion,
  CompletionKind,
  ParamSuggestion,
  ParamSuggestions,
  SearchEntityType,
  SearchHit,
  SearchResults,
  SimilarModels,
} from './wire/search-shapes.js';
