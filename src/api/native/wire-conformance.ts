import type { Static } from '@sinclair/typebox';
import type {
  AccessUser,
  EffectiveRole,
  Restriction,
  RoleBinding,
  Session,
  Team,
  TokenInfo,
} from '../../sdk/wire/access-shapes.js';
import type { WireExperimentDashboard, WireTeamDashboard } from '../../sdk/wire/dashboard-shapes.js';
import type { RevalidationFlag, VersionStatus, VersionStatusReport } from '../../sdk/wire/registry-shapes.js';
import type { WireRunDiff } from '../../sdk/wire/run-diff-shapes.js';
import type { Completions, ParamSuggestions, SearchResults, SimilarModels } from '../../sdk/wire/search-shapes.js';
import type {
  ArtifactFile,
  Experiment,
  ExperimentActivity,
  ExperimentKeys,
  LoggedModel,
  MetricHistory,
  RunStatus,
  ViewType,
  WireMetric,
  WireRun,
} from '../../sdk/wire/shapes.js';
import type {
  BindingJson,
  EffectiveRoleJson,
  RestrictionJson,
  SessionJson,
  TeamJson,
  TokenJson,
  UserJson,
} from './access/access-schemas.js';
import type { ExperimentDashboardJson, TeamDashboardJson } from './dashboard-schemas.js';
import type { RevalidationFlagJson } from './registry/revalidation-schemas.js';
import type { VersionStatusJson, VersionStatusReply } from './registry/version-status-schemas.js';
import type { RunDiffJson } from './run-diff-schemas.js';
import type {
  ArtifactFileJson,
  ExperimentActivityJson,
  ExperimentJson,
  ExperimentKeysJson,
  LoggedModelJson,
  MetricHistoryJson,
  MetricJson,
  RunJson,
  SearchRunsBody,
  UpdateRunBody,
} from './schemas.js';
import type { CompletionsJson, ParamSuggestionsJson, SearchResultsJson, SimilarModelsJson } from './search-schemas.js';

/**
 * The reply schemas are the source of the native API's shapes; the SDK, the web UI and the tests read them through
 * the plain types in src/sdk/wire, which must not import TypeBox. These assertions make the two agree exactly: a
 * field added, dropped or retyped on either side fails the type check.
 */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

export type WireConformance = [
  Assert<Same<Static<typeof ExperimentJson>, Experiment>>,
  Assert<Same<Static<typeof ExperimentActivityJson>, ExperimentActivity>>,
  Assert<Same<Static<typeof ExperimentKeysJson>, ExperimentKeys>>,
  Assert<Same<Static<typeof MetricJson>, WireMetric>>,
  Assert<Same<Static<typeof RunJson>, WireRun>>,
  Assert<Same<Static<typeof RunDiffJson>, WireRunDiff>>,
  Assert<Same<Static<typeof ExperimentDashboardJson>, WireExperimentDashboard>>,
  Assert<Same<Static<typeof TeamDashboardJson>, WireTeamDashboard>>,
  Assert<Same<Static<typeof LoggedModelJson>, LoggedModel>>,
  Assert<Same<Static<typeof ArtifactFileJson>, ArtifactFile>>,
  Assert<Same<Static<typeof MetricHistoryJson>, MetricHistory>>,
  Assert<Same<NonNullable<Static<typeof UpdateRunBody>['status']>, RunStatus>>,
  Assert<Same<NonNullable<Static<typeof SearchRunsBody>['viewType']>, ViewType>>,
  Assert<Same<Static<typeof SessionJson>, Session>>,
  Assert<Same<Static<typeof UserJson>, AccessUser>>,
  Assert<Same<Static<typeof TeamJson>, Team>>,
  Assert<Same<Static<typeof TokenJson>, TokenInfo>>,
  Assert<Same<Static<typeof BindingJson>, RoleBinding>>,
  Assert<Same<Static<typeof EffectiveRoleJson>, EffectiveRole>>,
  Assert<Same<Static<typeof RestrictionJson>, Restriction>>,
  Assert<Same<Static<typeof RevalidationFlagJson>, RevalidationFlag>>,
  Assert<Same<Static<typeof VersionStatusJson>, VersionStatus>>,
  Assert<Same<Static<typeof VersionStatusReply>, VersionStatusReport>>,
  Assert<Same<Static<typeof SearchResultsJson>, SearchResults>>,
  Assert<Same<Static<typeof CompletionsJson>, Completions>>,
  Assert<Same<Static<typeof ParamSuggestionsJson>, ParamSuggestions>>,
  Assert<Same<Static<typeof SimilarModelsJson>, SimilarModels>>,
];
