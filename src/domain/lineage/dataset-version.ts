/** A column of a dataset version's schema, as OpenLineage's schema facet and the native API describe it. */
export interface DatasetColumn {
  name: string;
  type: string | null;
  description: string | null;
}

/** One data-quality check and whether the version passed it. */
export interface QualityCheck {
  name: string;
  passed: boolean;
  column: string | null;
  value: number | null;
}

export type DriftStatus = 'missing' | 'modified';

export interface DatasetVersionDrift {
  status: DriftStatus;
  observedDigest: string | null;
  detectedTime: number;
}

/** A concrete state of a dataset: where it lives, what it hashes to, its shape and quality, any drift seen since. */
export interface DatasetVersion {
  versionId: string;
  nodeId: string;
  datasetId: string;
  namespace: string;
  name: string;
  version: string;
  uri: string | null;
  digest: string | null;
  columns: DatasetColumn[] | null;
  rowCount: number | null;
  qualityChecks: QualityCheck[];
  /** Every facet an OpenLineage producer sent about this version, verbatim, newest value per facet name. */
  facets: Record<string, unknown>;
  drift: DatasetVersionDrift | null;
  createdTime: number;
}

/**
 * Where an OpenLineage dataset lives, following the OpenLineage naming conventions: a namespace that is a URI
 * scheme and authority (`s3://bucket`, `postgres://host:5432`) joined with the name, and `file` datasets named by
 * their absolute path.
 */
export function datasetUri(namespace: string, name: string): string {
  if (namespace === 'file') return `file://${name.startsWith('/') ? '' : '/'}${name}`;
  if (namespace.endsWith('/') || name.startsWith('/'))
    return `${namespace.replace(/\/+$/, '')}/${name.replace(/^\/+/, '')}`;
  return `${namespace}/${name}`;
}

/**
 * How people read a dataset's name in labels and messages. An absolute name (a `file` path) follows its namespace
 * after a colon, as Marquez shows it (`file:/data/train.parquet`); a URI namespace and its name join with one slash.
 */
export function datasetLabel(namespace: string, name: string, version?: string): string {
  const suffix = version === undefined ? '' : `@${version}`;
  if (namespace.includes('://')) return `${namespace.replace(/\/+$/, '')}/${name.replace(/^\/+/, '')}${suffix}`;
  if (name.startsWith('/')) return `${namespace}:${name}${suffix}`;
  return `${namespace}/${name}${suffix}`;
}
