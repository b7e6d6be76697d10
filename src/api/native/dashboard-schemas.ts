import { Type } from '@sinclair/typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const RunStatus = Type.Union(
  (['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const).map((s) => Type.Literal(s)),
);

/** Checked loosely here and exactly by parseDashboardOptions, which says what was wrong in words. */
export const DashboardQuery = Type.Object(
  {
    metrics: Type.Optional(Type.String({ maxLength: 2000, description: 'comma-separated metric keys, at most 6' })),
    window: Type.Optional(
      Type.String({ maxLength: 20, description: 'earlier finished runs each run is judged against' }),
    ),
    z: Type.Optional(Type.String({ maxLength: 20, description: 'robust z-score above which a run is flagged' })),
  },
  { additionalProperties: false },
);

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const RunAspect = literals(['data', 'code', 'environment'] as const);
const VersionAspect = literals(['source_run', 'training_data'] as const);
const Evidence = literals(['fairness', 'slice_evaluation', 'approval'] as const);

export const LineageTrendJson = Type.Object({
  runs: Type.Array(
    Type.Object({
      day: Type.Number(),
      judged: Type.Number(),
      complete: Type.Number(),
      share: Type.Number(),
      missingCounts: Type.Object({ data: Type.Number(), code: Type.Number(), environment: Type.Number() }),
      runs: Type.Array(
        Type.Object({
          runId: Type.String(),
          runName: Type.String(),
          experimentId: Type.String(),
          missing: Type.Array(RunAspect),
        }),
      ),
    }),
  ),
  versions: Type.Array(
    Type.Object({
      day: Type.Number(),
      judged: Type.Number(),
      complete: Type.Number(),
      share: Type.Number(),
      missingCounts: Type.Object({ source_run: Type.Number(), training_data: Type.Number() }),
      versions: Type.Array(
        Type.Object({ modelName: Type.String(), version: Type.Number(), missing: Type.Array(VersionAspect) }),
      ),
    }),
  ),
});

export const ValidationCoverageJson = Type.Object({
  serving: Type.Number(),
  covered: Type.Number(),
  share: Nullable(Type.Number()),
  withEvidence: Type.Object({ fairness: Type.Number(), slice_evaluation: Type.Number(), approval: Type.Number() }),
  versions: Type.Array(
    Type.Object({
      modelName: Type.String(),
      version: Type.Number(),
      stage: Type.String(),
      reasons: Type.Array(literals(['production', 'deployed'] as const)),
      fairness: Type.Boolean(),
      sliceEvaluation: Type.Boolean(),
      approval: Type.Boolean(),
      missing: Type.Array(Evidence),
    }),
  ),
});

export const TeamParams = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

export const ExperimentDashboardJson = Type.Object({
  experimentId: Type.String(),
  window: Type.Number(),
  threshold: Type.Number(),
  minHistory: Type.Number(),
  runCount: Type.Number(),
  maxRuns: Type.Number(),
  truncated: Type.Boolean(),
  metrics: Type.Array(
    Type.Object({
      key: Type.String(),
      points: Type.Array(
        Type.Object({
          runId: Type.String(),
          runName: Type.String(),
          status: RunStatus,
          startTime: Type.Number(),
          value: Type.Number(),
        }),
      ),
    }),
  ),
  anomalies: Type.Array(
    Type.Object({
      runId: Type.String(),
      runName: Type.String(),
      metric: Type.String(),
      value: Type.Number(),
      startTime: Type.Number(),
      median: Type.Number(),
      mad: Type.Number(),
      z: Nullable(Type.Number()),
      basis: Type.Union([Type.Literal('mad'), Type.Literal('mean_absolute_deviation'), Type.Literal('none')]),
      threshold: Type.Number(),
      windowRunIds: Type.Array(Type.String()),
    }),
  ),
  failedChecks: Type.Array(
    Type.Object({
      kind: Type.Union([
        Type.Literal('fairness'),
        Type.Literal('drift'),
        Type.Literal('data_quality'),
        Type.Literal('completeness'),
      ]),
      name: Type.String(),
      runId: Type.String(),
      modelName: Nullable(Type.String()),
      version: Nullable(Type.Number()),
      checkId: Nullable(Type.String()),
      value: Nullable(Type.Number()),
      threshold: Nullable(Type.Number()),
      slice: Nullable(Type.String()),
      detail: Nullable(Type.String()),
      time: Type.Number(),
    }),
  ),
  completeness: Type.Array(
    Type.Object({ day: Type.Number(), judged: Type.Number(), complete: Type.Number(), share: Type.Number() }),
  ),
  lineage: LineageTrendJson,
  validationCoverage: ValidationCoverageJson,
  runsByUser: Type.Array(
    Type.Object({ userId: Type.String(), runs: Type.Number(), finished: Type.Number(), failed: Type.Number() }),
  ),
});

const Of = Type.Object({ experimentId: Type.String(), experimentName: Type.String() });
const field = <K extends keyof (typeof ExperimentDashboardJson)['properties']>(key: K) =>
  ExperimentDashboardJson.properties[key];

export const TeamDashboardJson = Type.Object({
  team: Type.String(),
  window: Type.Number(),
  threshold: Type.Number(),
  minHistory: Type.Number(),
  maxRuns: Type.Number(),
  maxExperiments: Type.Number(),
  truncated: Type.Boolean(),
  experiments: Type.Array(
    Type.Object({
      experimentId: Type.String(),
      name: Type.String(),
      runCount: Type.Number(),
      truncated: Type.Boolean(),
      anomalies: Type.Number(),
      failedChecks: Type.Number(),
    }),
  ),
  models: Type.Array(Type.Object({ name: Type.String(), versions: Type.Number() })),
  metrics: Type.Array(Type.Composite([field('metrics').items, Of])),
  anomalies: Type.Array(Type.Composite([field('anomalies').items, Of])),
  failedChecks: Type.Array(Type.Composite([field('failedChecks').items, Of])),
  completeness: field('completeness'),
  lineage: LineageTrendJson,
  validationCoverage: ValidationCoverageJson,
  runsByUser: field('runsByUser'),
});
