/** An OpenLineage facet: a JSON object, kept verbatim whether Mnemo understands it or not. */
export type Facet = Record<string, unknown>;
export type Facets = Record<string, Facet>;

export const OPENLINEAGE_EVENT_TYPES = ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'] as const;
export type OpenLineageEventType = (typeof OPENLINEAGE_EVENT_TYPES)[number];

export interface OpenLineageDataset {
  namespace: string;
  name: string;
  facets?: Facets;
  inputFacets?: Facets;
  outputFacets?: Facets;
}

/** An OpenLineage RunEvent (spec 2-0-x), as accepted at POST /api/v1/lineage. */
export interface OpenLineageRunEvent {
  eventType?: OpenLineageEventType;
  eventTime: string;
  producer: string;
  schemaURL?: string;
  run: { runId: string; facets?: Facets };
  job: { namespace: string; name: string; facets?: Facets };
  inputs?: OpenLineageDataset[];
  outputs?: OpenLineageDataset[];
}
