import { invalid } from '../errors.js';
import type { CodeRefSpec } from './code-ref.js';
import { type DatasetColumn, datasetUri, type QualityCheck } from './dataset-version.js';
import type {
  Facet,
  Facets,
  OpenLineageDataset,
  OpenLineageEventType,
  OpenLineageRunEvent,
} from './openlineage-event.js';

export interface DatasetName {
  namespace: string;
  name: string;
}

/** What one event says about one dataset it read or wrote. */
export interface DatasetObservation extends DatasetName {
  role: 'input' | 'output';
  /** The version named by the `version` facet; outputs without one get one version per producing run. */
  versionKey: string | null;
  uri: string;
  columns: DatasetColumn[] | null;
  rowCount: number | null;
  qualityChecks: QualityCheck[] | null;
  facets: Facets;
}

/** An output dataset computed from input datasets, per the columnLineage facet (output column → input fields). */
export interface DatasetDerivation {
  output: DatasetName;
  input: DatasetName;
  columns: Record<string, string[]>;
}

/** Everything Mnemo takes from one OpenLineage RunEvent, decided without touching storage. */
export interface OpenLineagePlan {
  olRunId: string;
  eventType: OpenLineageEventType;
  eventTime: number;
  producer: string;
  job: { namespace: string; name: string; facets: Facets };
  runFacets: Facets;
  /** A Mnemo (or MLflow) run this OpenLineage run is the same as, named by a `mnemo` or `mlflow` run facet. */
  linkedRunId: { runId: string; field: string } | null;
  parent: { olRunId: string; namespace: string | null; name: string | null } | null;
  codeRef: CodeRefSpec | null;
  datasets: DatasetObservation[];
  derivations: DatasetDerivation[];
}

const LINK_FACETS = ['mnemo', 'mlflow'] as const;
const RUN_ID = /^[0-9a-zA-Z_-]{1,64}$/;
const GIT_COMMIT = /^[0-9a-f]{7,64}$/i;

export function planOpenLineageEvent(event: OpenLineageRunEvent): OpenLineagePlan {
  const eventTime = Date.parse(event.eventTime);
  if (!Number.isFinite(eventTime)) throw invalid(`eventTime must be an ISO 8601 date-time; got '${event.eventTime}'`);
  const olRunId = event.run.runId.toLowerCase();
  const runFacets = event.run.facets ?? {};
  const jobFacets = event.job.facets ?? {};
  const datasets = [
    ...(event.inputs ?? []).map((d) => observe(d, 'input', olRunId)),
    ...(event.outputs ?? []).map((d) => observe(d, 'output', olRunId)),
  ];
  return {
    olRunId,
    eventType: event.eventType ?? 'OTHER',
    eventTime,
    producer: event.producer,
    job: { namespace: event.job.namespace, name: event.job.name, facets: jobFacets },
    runFacets,
    linkedRunId: linkedRun(runFacets),
    parent: parentOf(runFacets),
    codeRef: codeRefOf(jobFacets),
    datasets,
    derivations: (event.outputs ?? []).flatMap(derivationsOf),
  };
}

function observe(dataset: OpenLineageDataset, role: 'input' | 'output', olRunId: string): DatasetObservation {
  const facets: Facets = { ...dataset.facets, ...dataset.inputFacets, ...dataset.outputFacets };
  const declared = str(facets.version?.datasetVersion);
  return {
    namespace: dataset.namespace,
    name: dataset.name,
    role,
    versionKey: declared ?? (role === 'output' ? `run:${olRunId}` : null),
    uri: datasetUri(dataset.namespace, dataset.name),
    columns: columnsOf(facets.schema),
    rowCount: num(facets.outputStatistics?.rowCount) ?? num(facets.dataQualityMetrics?.rowCount),
    qualityChecks: qualityOf(facets.dataQualityAssertions),
    facets,
  };
}

function columnsOf(schema: Facet | undefined): DatasetColumn[] | null {
  if (!Array.isArray(schema?.fields)) return null;
  return schema.fields.filter(isRecord).map((field) => ({
    name: String(field.name ?? ''),
    type: str(field.type),
    description: str(field.description),
  }));
}

function qualityOf(facet: Facet | undefined): QualityCheck[] | null {
  if (!Array.isArray(facet?.assertions)) return null;
  return facet.assertions.filter(isRecord).map((a) => ({
    name: String(a.assertion ?? 'unnamed'),
    passed: a.success === true,
    column: str(a.column),
    value: null,
  }));
}

function linkedRun(facets: Facets): OpenLineagePlan['linkedRunId'] {
  for (const name of LINK_FACETS) {
    const runId = facets[name]?.runId;
    if (runId === undefined) continue;
    if (typeof runId !== 'string' || !RUN_ID.test(runId)) {
      throw invalid(
        `run.facets.${name}.runId must be a run id (letters, digits, - or _); got ${JSON.stringify(runId)}`,
      );
    }
    return { runId, field: `run.facets.${name}.runId` };
  }
  return null;
}

function parentOf(facets: Facets): OpenLineagePlan['parent'] {
  const parent = facets.parent;
  const run = isRecord(parent?.run) ? parent.run : undefined;
  const runId = str(run?.runId);
  if (!runId) return null;
  const job = isRecord(parent?.job) ? parent.job : undefined;
  return { olRunId: runId.toLowerCase(), namespace: str(job?.namespace), name: str(job?.name) };
}

/** A git sourceCodeLocation facet whose version is a commit names the code exactly; anything vaguer is kept only as a facet. */
function codeRefOf(facets: Facets): CodeRefSpec | null {
  const location = facets.sourceCodeLocation;
  const repository = str(location?.repoUrl) ?? str(location?.url);
  const commit = str(location?.version);
  if (!repository || !commit || !GIT_COMMIT.test(commit)) return null;
  return { repository, commit: commit.toLowerCase(), dirtyDigest: null };
}

function derivationsOf(output: OpenLineageDataset): DatasetDerivation[] {
  const fields = output.facets?.columnLineage?.fields;
  if (!isRecord(fields)) return [];
  const byInput = new Map<string, DatasetDerivation>();
  for (const [column, lineage] of Object.entries(fields)) {
    const inputs = isRecord(lineage) && Array.isArray(lineage.inputFields) ? lineage.inputFields : [];
    for (const input of inputs.filter(isRecord)) {
      const namespace = str(input.namespace);
      const name = str(input.name);
      if (!namespace || !name) continue;
      const key = JSON.stringify([namespace, name]);
      let derivation = byInput.get(key);
      if (!derivation) {
        derivation = {
          output: { namespace: output.namespace, name: output.name },
          input: { namespace, name },
          columns: {},
        };
        byInput.set(key, derivation);
      }
      const columns = derivation.columns[column] ?? [];
      const field = str(input.field);
      if (field && !columns.includes(field)) columns.push(field);
      derivation.columns[column] = columns;
    }
  }
  return [...byInput.values()];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
}
