import { type Static, Type } from '@sinclair/typebox';
import { RUN_STATUSES } from '../../domain/tracking/entities.js';
import { literalUnion } from '../literal-union.js';

/** Request and response shapes of the native API; they also generate /api/v1/openapi.json. */

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Millis = Type.Integer({ minimum: 0, description: 'milliseconds since the epoch' });
const StringMap = (max: number) => Type.Record(Type.String({ maxLength: 250 }), Type.String(), { maxProperties: max });
const ViewType = Type.Union([Type.Literal('ACTIVE_ONLY'), Type.Literal('DELETED_ONLY'), Type.Literal('ALL')]);
const Digits = Type.String({ pattern: '^[0-9]{1,9}$' });
/** A step as a query parameter: an integer, negative allowed, within JavaScript's exact range. */
const StepDigits = Type.String({ pattern: '^-?[0-9]{1,15}$' });
const RunStatus = literalUnion(RUN_STATUSES);

export const ErrorResponse = Type.Object({ error_code: Type.String(), message: Type.String() }, { $id: 'Error' });

/** Who owns an experiment or a dataset, by name. */
export const OwnersJson = Type.Object({
  user: Type.Union([Type.String(), Type.Null()]),
  team: Type.Union([Type.String(), Type.Null()]),
});

export const ExperimentJson = Type.Object({
  experimentId: Type.String(),
  name: Type.String(),
  artifactLocation: Type.String(),
  lifecycleStage: Type.String(),
  creationTime: Type.Integer(),
  lastUpdateTime: Type.Integer(),
  tags: Type.Record(Type.String(), Type.String()),
  owners: Type.Optional(OwnersJson),
});

export const MetricValue = Type.Union([Type.Number(), Type.String({ maxLength: 32 })], {
  description: 'a number, or "NaN", "Infinity", "-Infinity"',
});

export const MetricJson = Type.Object({
  key: Type.String(),
  value: MetricValue,
  step: Type.Integer(),
  timestamp: Type.Integer(),
});

export const MetricHistoryJson = Type.Object({
  metrics: Type.Array(MetricJson),
  nextPageToken: Type.Optional(Type.String()),
  totalPoints: Type.Optional(Type.Integer()),
  /** A sample's NaN points it had no room for, one per bucket, so a chart can still mark them. */
  hiddenNaN: Type.Optional(Type.Array(MetricJson)),
});

export const DatasetInputJson = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 500 }),
    digest: Type.String({ minLength: 1, maxLength: 36 }),
    sourceType: Type.String({ maxLength: 64 }),
    source: Type.String({ maxLength: 65_535 }),
    schema: Type.Optional(Type.Union([Type.String({ maxLength: 1_048_576 }), Type.Null()])),
    profile: Type.Optional(Type.Union([Type.String({ maxLength: 16_384 }), Type.Null()])),
    tags: Type.Optional(StringMap(100)),
  },
  { additionalProperties: false },
);

export const RunJson = Type.Object({
  runId: Type.String(),
  experimentId: Type.String(),
  runName: Type.String(),
  userId: Type.String(),
  // Typed as the status union but sent as a plain string schema, so the reply serializer and the OpenAPI document
  // stay as they were.
  status: Type.Unsafe<Static<typeof RunStatus>>(Type.String()),
  startTime: Type.Integer(),
  endTime: Type.Union([Type.Integer(), Type.Null()]),
  artifactUri: Type.String(),
  lifecycleStage: Type.String(),
  parentRunId: Type.Union([Type.String(), Type.Null()]),
  params: Type.Record(Type.String(), Type.String()),
  tags: Type.Record(Type.String(), Type.String()),
  metrics: Type.Array(MetricJson),
  inputs: Type.Array(DatasetInputJson),
  /** MLflow 3 LoggedModels the run produced (with the step) and used. */
  modelOutputs: Type.Array(Type.Object({ modelId: Type.String(), step: Type.Integer() })),
  modelInputs: Type.Array(Type.String()),
  completeness: Type.Optional(
    Type.Union([
      Type.Object({
        complete: Type.Boolean(),
        missing: Type.Array(Type.Object({ field: Type.String(), reason: Type.String() })),
        evaluatedTime: Type.Integer(),
      }),
      Type.Null(),
    ]),
  ),
});

/** What the experiment list shows beside each experiment (POST /experiments/activity). */
export const ExperimentActivityJson = Type.Object({
  experimentId: Type.String(),
  runCount: Type.Integer(),
  runningCount: Type.Integer(),
  lastActivity: Type.Union([Type.Integer(), Type.Null()]),
});

/** The distinct keys an experiment's active runs logged, for column pickers and filter completion. */
export const ExperimentKeysJson = Type.Object({
  params: Type.Array(Type.String()),
  metrics: Type.Array(Type.String()),
  tags: Type.Array(Type.String()),
});

export const LoggedModelJson = Type.Object({
  modelId: Type.String(),
  experimentId: Type.String(),
  name: Type.String(),
  artifactUri: Type.String(),
  status: Type.String(),
  statusMessage: Type.Union([Type.String(), Type.Null()]),
  modelType: Type.String(),
  sourceRunId: Type.Union([Type.String(), Type.Null()]),
  lifecycleStage: Type.String(),
  creationTime: Type.Integer(),
  lastUpdatedTime: Type.Integer(),
  tags: Type.Record(Type.String(), Type.String()),
  params: Type.Record(Type.String(), Type.String()),
  metrics: Type.Array(
    Type.Object({
      key: Type.String(),
      value: Type.Union([Type.Number(), Type.String()]),
      timestamp: Type.Integer(),
      step: Type.Integer(),
      runId: Type.Union([Type.String(), Type.Null()]),
      datasetName: Type.Union([Type.String(), Type.Null()]),
      datasetDigest: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  /** Registered model versions made from this model. */
  registeredVersions: Type.Array(Type.Object({ name: Type.String(), version: Type.Integer() })),
  files: Type.Array(
    Type.Object({
      path: Type.String(),
      isDir: Type.Boolean(),
      size: Type.Union([Type.Integer(), Type.Null()]),
      sha256: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

export const CreateExperimentBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 500 }),
    artifactLocation: Type.Optional(Type.String({ maxLength: 1000 })),
    tags: Type.Optional(StringMap(1000)),
  },
  { additionalProperties: false },
);

export const UpdateExperimentBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);

export const SetTagsBody = Type.Object({ tags: StringMap(1000) }, { additionalProperties: false });

export const SearchExperimentsBody = Type.Object(
  {
    filter: Type.Optional(Type.String({ maxLength: 10_000 })),
    orderBy: Type.Optional(Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 20 })),
    maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 50_000 })),
    pageToken: Type.Optional(Type.String({ maxLength: 1000 })),
    viewType: Type.Optional(ViewType),
  },
  { additionalProperties: false },
);

export const CreateRunBody = Type.Object(
  {
    experimentId: Id,
    runName: Type.Optional(Type.String({ maxLength: 250 })),
    userId: Type.Optional(Type.String({ maxLength: 250 })),
    startTime: Type.Optional(Millis),
    tags: Type.Optional(StringMap(1000)),
    parentRunId: Type.Optional(Id),
  },
  { additionalProperties: false },
);

export const UpdateRunBody = Type.Object(
  {
    status: Type.Optional(RunStatus),
    endTime: Type.Optional(Millis),
    runName: Type.Optional(Type.String({ minLength: 1, maxLength: 250 })),
  },
  { additionalProperties: false },
);

export const SearchRunsBody = Type.Object(
  {
    experimentIds: Type.Array(Id, { minItems: 1, maxItems: 1000 }),
    filter: Type.Optional(Type.String({ maxLength: 10_000 })),
    orderBy: Type.Optional(Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 20 })),
    maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 50_000 })),
    pageToken: Type.Optional(Type.String({ maxLength: 1000 })),
    viewType: Type.Optional(ViewType),
  },
  { additionalProperties: false },
);

export const LogBatchBody = Type.Object(
  {
    metrics: Type.Optional(
      Type.Array(
        Type.Object(
          {
            key: Type.String({ minLength: 1, maxLength: 250 }),
            value: MetricValue,
            step: Type.Optional(Type.Integer()),
            timestamp: Type.Optional(Millis),
          },
          { additionalProperties: false },
        ),
        { maxItems: 10_000 },
      ),
    ),
    // The columnar shape: entries are checked by the service, which names the series and position of a bad one.
    series: Type.Optional(
      Type.Array(
        Type.Object(
          {
            key: Type.String({ minLength: 1, maxLength: 250 }),
            steps: Type.Array(Type.Unknown(), { maxItems: 10_000 }),
            timestamps: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 10_000 })),
            values: Type.Array(Type.Unknown(), { maxItems: 10_000 }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 10_000 },
      ),
    ),
    params: Type.Optional(StringMap(1000)),
    tags: Type.Optional(StringMap(1000)),
  },
  { additionalProperties: false },
);

export const LogInputsBody = Type.Object(
  { datasets: Type.Array(DatasetInputJson, { minItems: 1, maxItems: 100 }) },
  { additionalProperties: false },
);

export const ListQuery = Type.Object(
  {
    filter: Type.Optional(Type.String({ maxLength: 10_000 })),
    orderBy: Type.Optional(Type.String({ maxLength: 1000 })),
    maxResults: Type.Optional(Digits),
    pageToken: Type.Optional(Type.String({ maxLength: 1000 })),
    viewType: Type.Optional(ViewType),
  },
  { additionalProperties: false },
);

export const MetricHistoryQuery = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 250 }),
    maxResults: Type.Optional(Digits),
    pageToken: Type.Optional(Type.String({ maxLength: 1000 })),
    points: Type.Optional(Digits),
    startStep: Type.Optional({ ...StepDigits, description: 'Only steps from this one on (pages and samples alike)' }),
    endStep: Type.Optional({ ...StepDigits, description: 'Only steps up to this one (pages and samples alike)' }),
  },
  { additionalProperties: false },
);

export const ArtifactListQuery = Type.Object(
  { path: Type.Optional(Type.String({ maxLength: 4096 })) },
  { additionalProperties: false },
);

export const ArtifactFileJson = Type.Object({
  path: Type.String(),
  isDir: Type.Boolean(),
  size: Type.Union([Type.Integer(), Type.Null()]),
  sha256: Type.Union([Type.String(), Type.Null()]),
});

/** Path parameters naming one entity by id; the name is kept as a literal so handlers see `params.runId: string`. */
export const IdParams = <Name extends string>(name: Name) => Type.Object({ [name]: Id } as Record<Name, typeof Id>);
