import { Type } from '@sinclair/typebox';
import { DISCOVERY_TYPES } from '../../domain/search/discovery-filters.js';
import { COMPLETION_FACETS } from '../../domain/search/search-document.js';
import { literalUnion } from '../literal-union.js';

const EntityType = literalUnion(DISCOVERY_TYPES);

const Segment = Type.Object({ text: Type.String(), match: Type.Boolean() });

export const SearchHitJson = Type.Object({
  type: EntityType,
  id: Type.String(),
  name: Type.String(),
  stage: Type.Union([Type.String(), Type.Null()]),
  score: Type.Number(),
  createdTime: Type.Integer(),
  updatedTime: Type.Integer(),
  summary: Type.Record(Type.String(), Type.Unknown()),
  highlights: Type.Array(Type.Object({ field: Type.String(), segments: Type.Array(Segment) })),
});

const FacetValue = Type.Object({ value: Type.String(), count: Type.Integer() });
const Span = Type.Union([Type.Object({ min: Type.Integer(), max: Type.Integer() }), Type.Null()]);

export const SearchResultsJson = Type.Object({
  total: Type.Integer(),
  hits: Type.Array(SearchHitJson),
  groups: Type.Array(Type.Object({ type: EntityType, hits: Type.Array(SearchHitJson) })),
  nextPageToken: Type.Optional(Type.String()),
  previousPageToken: Type.Optional(Type.String()),
  facets: Type.Object({
    types: Type.Array(FacetValue),
    terms: Type.Record(Type.String(), Type.Array(FacetValue)),
    numbers: Type.Array(
      Type.Object({ key: Type.String(), min: Type.Number(), max: Type.Number(), count: Type.Integer() }),
    ),
    created: Span,
    updated: Span,
  }),
});

export const CompletionsJson = Type.Object({
  completions: Type.Array(
    Type.Object({
      kind: literalUnion(COMPLETION_FACETS),
      value: Type.String(),
      count: Type.Integer(),
      distance: Type.Integer(),
    }),
  ),
});

export const ParamSuggestionsJson = Type.Object({
  metricKey: Type.Union([Type.String(), Type.Null()]),
  suggestions: Type.Array(
    Type.Object({
      runId: Type.String(),
      runName: Type.String(),
      experimentId: Type.String(),
      experimentName: Type.String(),
      params: Type.Record(Type.String(), Type.String()),
      metric: Type.Object({ key: Type.String(), value: Type.Number(), higherIsBetter: Type.Boolean() }),
      similarity: Type.Number(),
      reasons: Type.Array(Type.String()),
    }),
  ),
});

export const SimilarModelsJson = Type.Object({
  models: Type.Array(Type.Object({ name: Type.String(), score: Type.Number(), reasons: Type.Array(Type.String()) })),
});

export const UsagePreferenceJson = Type.Object(
  {
    recordOpens: Type.Boolean({
      description: 'false: opens of results are not recorded (and those recorded are gone)',
    }),
  },
  { additionalProperties: false },
);
