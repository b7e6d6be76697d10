import { type Static, Type } from '@sinclair/typebox';
import { LOGGED_MODEL_STATUSES } from '../../domain/tracking/logged-model.js';
import { literalUnion } from '../literal-union.js';
import { Int64 } from './wire-values.js';

/** Request shapes of MLflow 3's LoggedModel endpoints (service.proto), field for field. */

const Strict = { additionalProperties: false } as const;
const Id = Type.String({ minLength: 1, maxLength: 64 });
const Text = (maxLength: number) => Type.String({ maxLength });
const KeyValues = (maxItems: number) =>
  Type.Array(Type.Object({ key: Text(1000), value: Text(100_000) }, Strict), { maxItems });

export const ModelIdParams = Type.Object({ model_id: Text(64) }, Strict);
export type ModelIdParams = Static<typeof ModelIdParams>;

export const ModelTagParams = Type.Object({ model_id: Text(64), tag_key: Text(1000) }, Strict);

export const CreateLoggedModelBody = Type.Object(
  {
    experiment_id: Id,
    name: Type.Optional(Text(500)),
    model_type: Type.Optional(Text(500)),
    source_run_id: Type.Optional(Text(64)),
    params: Type.Optional(KeyValues(1000)),
    tags: Type.Optional(KeyValues(1000)),
  },
  Strict,
);

export const FinalizeLoggedModelBody = Type.Object(
  {
    model_id: Type.Optional(Text(64)),
    status: literalUnion(LOGGED_MODEL_STATUSES),
  },
  Strict,
);

/** DELETE carries the id in the path; the client repeats it in a JSON body, which may also be absent. */
export const DeleteLoggedModelBody = Type.Union([
  Type.Object({ model_id: Type.Optional(Text(64)) }, Strict),
  Type.Null(),
]);

export const SetLoggedModelTagsBody = Type.Object({ model_id: Type.Optional(Text(64)), tags: KeyValues(1000) }, Strict);

export const LogLoggedModelParamsBody = Type.Object(
  { model_id: Type.Optional(Text(64)), params: KeyValues(1000) },
  Strict,
);

export const SearchLoggedModelsBody = Type.Object(
  {
    experiment_ids: Type.Array(Id, { maxItems: 1000 }),
    filter: Type.Optional(Text(10_000)),
    datasets: Type.Optional(
      Type.Array(Type.Object({ dataset_name: Text(500), dataset_digest: Type.Optional(Text(36)) }, Strict), {
        maxItems: 100,
      }),
    ),
    max_results: Type.Optional(Int64),
    order_by: Type.Optional(
      Type.Array(
        Type.Object(
          {
            field_name: Text(1000),
            ascending: Type.Optional(Type.Boolean()),
            dataset_name: Type.Optional(Text(500)),
            dataset_digest: Type.Optional(Text(36)),
          },
          Strict,
        ),
        { maxItems: 100 },
      ),
    ),
    page_token: Type.Optional(Text(1000)),
  },
  Strict,
);

export const ListLoggedModelArtifactsQuery = Type.Object(
  { artifact_directory_path: Type.Optional(Text(4096)), page_token: Type.Optional(Text(1000)) },
  Strict,
);
