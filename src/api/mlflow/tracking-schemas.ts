import { Type } from '@sinclair/typebox';
import { RUN_STATUSES } from '../../domain/tracking/entities.js';
import { literalUnion } from '../literal-union.js';
import { Int64, QueryInteger, RepeatableQuery, ViewTypeJson } from './wire-values.js';

/**
 * Request shapes of MLflow's tracking API (service.proto), field for field, including the deprecated `run_uuid`
 * the client still sends. Unknown fields are refused; lengths and key syntax are checked by the services.
 */

const Strict = { additionalProperties: false } as const;
const Id = Type.String({ minLength: 1, maxLength: 64 });
const Text = (maxLength: number) => Type.String({ maxLength });
const KeyValueJson = Type.Object({ key: Text(1000), value: Text(100_000) }, Strict);
const KeyValues = (maxItems: number) => Type.Array(KeyValueJson, { maxItems });
const MetricValue = Type.Union([Type.Number(), Type.String({ maxLength: 64 })]);
const RunRef = { run_id: Type.Optional(Id), run_uuid: Type.Optional(Id) };
const OrderBy = Type.Array(Text(1000), { maxItems: 100 });
// MLflow 3 metrics may name the LoggedModel they measure and the dataset they were measured on.
const ModelLinkedMetric = {
  model_id: Type.Optional(Text(64)),
  dataset_name: Type.Optional(Text(500)),
  dataset_digest: Type.Optional(Text(36)),
};

export const CreateExperimentBody = Type.Object(
  { name: Text(1000), artifact_location: Type.Optional(Text(4096)), tags: Type.Optional(KeyValues(1000)) },
  Strict,
);

export const ExperimentIdBody = Type.Object({ experiment_id: Id }, Strict);

export const ExperimentIdQuery = Type.Object({ experiment_id: Id }, Strict);

export const ExperimentNameQuery = Type.Object({ experiment_name: Text(1000) }, Strict);

export const UpdateExperimentBody = Type.Object({ experiment_id: Id, new_name: Type.Optional(Text(1000)) }, Strict);

export const SetExperimentTagBody = Type.Object({ experiment_id: Id, key: Text(1000), value: Text(100_000) }, Strict);

export const SearchExperimentsBody = Type.Object(
  {
    max_results: Type.Optional(Int64),
    page_token: Type.Optional(Text(1000)),
    filter: Type.Optional(Text(10_000)),
    order_by: Type.Optional(OrderBy),
    view_type: Type.Optional(ViewTypeJson),
  },
  Strict,
);

export const SearchExperimentsQuery = Type.Object(
  {
    max_results: Type.Optional(QueryInteger),
    page_token: Type.Optional(Text(1000)),
    filter: Type.Optional(Text(10_000)),
    order_by: Type.Optional(RepeatableQuery),
    view_type: Type.Optional(ViewTypeJson),
  },
  Strict,
);

export const CreateRunBody = Type.Object(
  {
    experiment_id: Id,
    user_id: Type.Optional(Text(1000)),
    run_name: Type.Optional(Text(1000)),
    start_time: Type.Optional(Int64),
    tags: Type.Optional(KeyValues(1000)),
  },
  Strict,
);

export const UpdateRunBody = Type.Object(
  {
    ...RunRef,
    status: Type.Optional(literalUnion(RUN_STATUSES)),
    end_time: Type.Optional(Int64),
    run_name: Type.Optional(Text(1000)),
  },
  Strict,
);

export const RunIdBody = Type.Object({ run_id: Id }, Strict);

export const RunRefQuery = Type.Object(RunRef, Strict);

export const SearchRunsBody = Type.Object(
  {
    experiment_ids: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
    filter: Type.Optional(Text(10_000)),
    run_view_type: Type.Optional(ViewTypeJson),
    max_results: Type.Optional(Int64),
    order_by: Type.Optional(OrderBy),
    page_token: Type.Optional(Text(1000)),
  },
  Strict,
);

export const LogMetricBody = Type.Object(
  {
    ...RunRef,
    key: Text(1000),
    value: MetricValue,
    timestamp: Type.Optional(Int64),
    step: Type.Optional(Int64),
    ...ModelLinkedMetric,
  },
  Strict,
);

export const KeyValueRunBody = Type.Object({ ...RunRef, key: Text(1000), value: Text(100_000) }, Strict);

export const DeleteTagBody = Type.Object({ run_id: Id, key: Text(1000) }, Strict);

// The counts are MLflow's limits, checked with MLflow's messages in batch-limits.ts; these bounds only stop
// absurd payloads before anything is parsed further.
export const LogBatchBody = Type.Object(
  {
    run_id: Id,
    metrics: Type.Optional(
      Type.Array(
        Type.Object(
          {
            key: Text(1000),
            value: MetricValue,
            timestamp: Type.Optional(Int64),
            step: Type.Optional(Int64),
            run_id: Type.Optional(Id),
            ...ModelLinkedMetric,
          },
          Strict,
        ),
        { maxItems: 100_000 },
      ),
    ),
    params: Type.Optional(KeyValues(100_000)),
    tags: Type.Optional(KeyValues(100_000)),
  },
  Strict,
);

export const LogInputsBody = Type.Object(
  {
    run_id: Id,
    datasets: Type.Optional(
      Type.Array(
        Type.Object(
          {
            tags: Type.Optional(KeyValues(100)),
            dataset: Type.Object(
              {
                name: Text(500),
                digest: Text(36),
                source_type: Text(64),
                source: Text(65_535),
                schema: Type.Optional(Text(1_048_576)),
                profile: Type.Optional(Text(16_384)),
              },
              Strict,
            ),
          },
          Strict,
        ),
        { maxItems: 1000 },
      ),
    ),
    models: Type.Optional(Type.Array(Type.Object({ model_id: Text(64) }, Strict), { maxItems: 1000 })),
  },
  Strict,
);

export const LogModelBody = Type.Object({ run_id: Id, model_json: Text(1_048_576) }, Strict);

export const MetricHistoryQuery = Type.Object(
  {
    ...RunRef,
    metric_key: Text(1000),
    page_token: Type.Optional(Text(1000)),
    max_results: Type.Optional(QueryInteger),
  },
  Strict,
);

/** A step in a query string: an integer, negative allowed. */
const QueryStep = Type.String({ pattern: '^-?[0-9]{1,15}$' });

export const MetricHistoryBulkIntervalQuery = Type.Object(
  {
    run_ids: RepeatableQuery,
    metric_key: Text(1000),
    start_step: Type.Optional(QueryStep),
    end_step: Type.Optional(QueryStep),
    max_results: Type.Optional(QueryInteger),
  },
  Strict,
);

export const ListArtifactsQuery = Type.Object(
  { ...RunRef, path: Type.Optional(Text(4096)), page_token: Type.Optional(Text(1000)) },
  Strict,
);

export const DeleteExperimentTagBody = Type.Object({ experiment_id: Id, key: Text(1000) }, Strict);

export const SearchDatasetsBody = Type.Object({ experiment_ids: Type.Array(Id, { maxItems: 1000 }) }, Strict);

export const RunOutputsBody = Type.Object(
  {
    run_id: Id,
    models: Type.Array(Type.Object({ model_id: Text(64), step: Type.Optional(Int64) }, Strict), { maxItems: 1000 }),
  },
  Strict,
);
