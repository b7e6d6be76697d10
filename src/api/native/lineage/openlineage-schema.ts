import { Type } from '@sinclair/typebox';
import { OPENLINEAGE_EVENT_TYPES } from '../../../domain/lineage/openlineage-event.js';
import { literalUnion } from '../../literal-union.js';

/**
 * An OpenLineage RunEvent as the 2-0-x spec describes it. Only what Mnemo relies on is constrained; facets are any
 * JSON objects and are kept verbatim, and unknown top-level fields are allowed as the spec allows them.
 */
const Name = Type.String({ minLength: 1, maxLength: 1000 });
const Facets = Type.Record(Type.String({ maxLength: 250 }), Type.Object({}, { additionalProperties: true }), {
  maxProperties: 200,
});

const Dataset = Type.Object(
  {
    namespace: Name,
    name: Name,
    facets: Type.Optional(Facets),
    inputFacets: Type.Optional(Facets),
    outputFacets: Type.Optional(Facets),
  },
  { additionalProperties: true },
);

export const OpenLineageRunEventBody = Type.Object(
  {
    eventType: Type.Optional(literalUnion(OPENLINEAGE_EVENT_TYPES)),
    eventTime: Type.String({ format: 'date-time' }),
    producer: Type.String({ minLength: 1, maxLength: 2000 }),
    schemaURL: Type.Optional(Type.String({ maxLength: 2000 })),
    run: Type.Object(
      { runId: Type.String({ format: 'uuid' }), facets: Type.Optional(Facets) },
      { additionalProperties: true },
    ),
    job: Type.Object(
      { namespace: Type.String({ minLength: 1, maxLength: 500 }), name: Name, facets: Type.Optional(Facets) },
      { additionalProperties: true },
    ),
    inputs: Type.Optional(Type.Array(Dataset, { maxItems: 1000 })),
    outputs: Type.Optional(Type.Array(Dataset, { maxItems: 1000 })),
  },
  { additionalProperties: true },
);
