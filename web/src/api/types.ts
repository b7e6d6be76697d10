/**
 * Shapes of the native API (/api/v1) as the UI reads them. The reply shapes the server's schemas define come from
 * the wire contract in src/sdk/wire (type-only imports, erased from the bundle), so the UI, the SDK and the server
 * cannot drift apart; metric values keep their wire form there, where NaN and ±∞ are strings.
 */

export type {
  AccessUser,
  EffectiveRole,
  Restriction,
  RoleBinding,
  RoleName,
  Session,
  Team,
  TokenInfo,
  TokenScope,
} from '../../../src/sdk/wire/access-shapes.js';
export type {
  CompatibilityByTargetJson,
  DeclaredDependenciesJson,
} from '../../../src/sdk/wire/dependency-shapes.js';
export type { WireNumber } from '../../../src/sdk/wire/non-finite.js';
export type {
  ArtifactFile,
  DatasetInput,
  Experiment,
  ExperimentActivity,
  ExperimentKeys,
  LoggedModel,
  MetricHistory,
  RunStatus,
  WireMetric as Metric,
  WireRun as Run,
} from '../../../src/sdk/wire/shapes.js';

/** An inclusive range of steps, as a zoomed chart asks the server to sample it. */
export interface StepRange {
  startStep: number;
  endStep: number;
}

export type {
  DatasetVersion,
  EdgeType,
  Impact,
  LineageEdge,
  LineageNode,
  LineagePath,
  PathStep,
  ReachedNode,
  Walk as LineageWalk,
} from '../../../src/sdk/lineage.js';
export type {
  CheckResult,
  Evaluation,
  ModelCard,
  ModelVersion,
  RegisteredModel,
  Stage,
  StageTransition,
  StatusTarget,
  VersionManifest,
  VersionStatus,
  VersionStatusReport,
} from '../../../src/sdk/registry.js';
/** One entry of the signed-in user's inbox. */
export interface NotificationItem {
  id: string;
  kind:
    | 'approval_requested'
    | 'request_decided'
    | 'policy_failed'
    | 'break_glass_used'
    | 'needs_revalidation'
    | 'mentioned'
    | 'saved_search_matched';
  subject: string;
  body: string;
  link: string | null;
  resource: { kind: string; name: string; version?: number } | null;
  createdAt: number;
  readAt: number | null;
}
export type {
  WireAnomalyFlag as AnomalyFlag,
  WireExperimentDashboard as ExperimentDashboard,
  WireFailedCheck as FailedCheck,
  WireLineageTrend as LineageTrend,
  WireMetricTrend as MetricTrend,
  WireTeamDashboard as TeamDashboard,
  WireValidationCoverage as ValidationCoverage,
} from '../../../src/sdk/wire/dashboard-shapes.js';
export type {
  Completion,
  SavedSearch,
  SavedSearchSubscription,
  SearchEntityType,
  SearchFacetValue,
  SearchHighlightSegment,
  SearchHit,
  SearchResults,
  SearchUsagePreference,
} from '../../../src/sdk/wire/search-shapes.js';
