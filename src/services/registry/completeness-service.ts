import { invalid } from '../../domain/errors.js';
import { type Completeness, completeness } from '../../domain/registry/completeness.js';
import {
  type CompletenessCursor,
  decodeCompletenessCursor,
  encodeCompletenessCursor,
} from '../../domain/registry/completeness-cursor.js';
import type { ModelVersion, SchemaRef } from '../../domain/registry/entities.js';
import { modelDocument, versionDocument } from '../../domain/registry/metadata-document.js';
import type { EntityKind } from '../../domain/registry/naming-rule.js';
import type { JsonSchema } from '../../domain/registry/schema/json-schema.js';
import { hydrateModels, modelRowsByName } from '../../store/repositories/registry/model-repository.js';
import { findSchema, findSubject } from '../../store/repositories/registry/schema-repository.js';
import { hydrateVersions, liveVersionRowsOf } from '../../store/repositories/registry/version-repository.js';
import type { Executor } from '../../store/store.js';
import { governingSubject } from './metadata-gate.js';
import type { RegistryDeps } from './registry-deps.js';

export interface CompletenessRecord extends Completeness {
  kind: 'model' | 'model_version';
  name: string;
  version: number | null;
  /** The schema the record was scored against: the latest version of its governing subject. */
  schema: SchemaRef | null;
}

export interface CompletenessQuery {
  kind?: 'model' | 'model_version' | undefined;
  name?: string | undefined;
  /** Only records scoring at most this much, to chase gaps. */
  maxScore?: number | undefined;
  /** Records per page (default 100, at most 1000); the summary always covers every matching record. */
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

export interface CompletenessReport {
  records: CompletenessRecord[];
  summary: { records: number; averageScore: number; complete: number };
  nextPageToken?: string;
}

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
/** Models read (and hydrated) at a time while the report walks the whole registry. */
const MODELS_PER_READ = 200;

/**
 * Scores every model and version against what its kind's current schema expects (required and `x-recommended`
 * fields) and lists what each one is missing, so teams can see where their registry entries fall short. The whole
 * registry is walked a slice at a time for the summary; only the requested page of records is kept.
 */
export class CompletenessService {
  constructor(private readonly deps: RegistryDeps) {}

  async report(query: CompletenessQuery = {}): Promise<CompletenessReport> {
    if (query.maxScore !== undefined && !(query.maxScore >= 0 && query.maxScore <= 1)) {
      throw invalid(`maxScore must be between 0 and 1; got ${query.maxScore}`);
    }
    const pageSize = query.maxResults ?? DEFAULT_PAGE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE) {
      throw invalid(`maxResults must be between 1 and ${MAX_PAGE}; got ${query.maxResults}`);
    }
    const after = query.pageToken ? decodeCompletenessCursor(query.pageToken) : undefined;
    const records: CompletenessRecord[] = [];
    let nextPageToken: string | undefined;
    let count = 0;
    let total = 0;
    let complete = 0;
    for await (const { record, afterCursor } of this.allRecords(query, after)) {
      if (query.maxScore !== undefined && record.score > query.maxScore) continue;
      count += 1;
      total += record.score;
      if (record.score === 1) complete += 1;
      if (!afterCursor) continue;
      if (records.length < pageSize) records.push(record);
      else if (nextPageToken === undefined) {
        const last = records.at(-1)!;
        nextPageToken = encodeCompletenessCursor({ name: last.name, version: last.version ?? 0 });
      }
    }
    const report: CompletenessReport = {
      records,
      summary: {
        records: count,
        averageScore: count === 0 ? 1 : Math.round((total / count) * 1000) / 1000,
        complete,
      },
    };
    if (nextPageToken) report.nextPageToken = nextPageToken;
    return report;
  }

  /**
   * Every record in report order (models by name, each followed by its live versions in order), each marked with
   * whether it comes after the page cursor. Names are compared by the database, in the order it sorts them, so
   * pages line up whatever its collation.
   */
  private async *allRecords(
    query: CompletenessQuery,
    after: CompletenessCursor | undefined,
  ): AsyncGenerator<{ record: CompletenessRecord; afterCursor: boolean }> {
    const db = this.deps.store.db;
    const schemas = new SchemaCache(db);
    const cursorName = after?.name ?? '';
    let afterName: string | undefined;
    for (;;) {
      const modelRows = await modelRowsByName(db, {
        name: query.name,
        afterName,
        cursorName,
        limit: MODELS_PER_READ,
      });
      if (modelRows.length === 0) return;
      afterName = modelRows.at(-1)!.name;
      const versionsByModel = query.kind === 'model' ? new Map() : await this.versionsOf(db, modelRows);
      const laterNames = new Set(modelRows.filter((row) => Number(row.after_cursor) === 1).map((row) => row.name));
      const isAfter = (name: string, version: number) =>
        after === undefined || laterNames.has(name) || (name === after.name && version > after.version);
      for (const model of await hydrateModels(db, modelRows)) {
        if (query.kind !== 'model_version') {
          const schema = await schemas.latestFor('model', model.name);
          const tags = Object.fromEntries(model.tags.map((t) => [t.key, t.value]));
          const document = modelDocument(model.name, model, tags, model.metadata);
          yield {
            record: { kind: 'model', name: model.name, version: null, ...score(schema, document) },
            afterCursor: isAfter(model.name, 0),
          };
        }
        for (const version of versionsByModel.get(model.name) ?? []) {
          const schema = await schemas.latestFor('model_version', version.name);
          yield {
            record: {
              kind: 'model_version',
              name: version.name,
              version: version.version,
              ...score(schema, versionDocumentOf(version)),
            },
            afterCursor: isAfter(version.name, version.version),
          };
        }
      }
      if (modelRows.length < MODELS_PER_READ) return;
    }
  }

  private async versionsOf(
    db: Executor,
    modelRows: { model_id: string; name: string }[],
  ): Promise<Map<string, ModelVersion[]>> {
    const names = new Map(modelRows.map((row) => [row.model_id, row.name]));
    const versionRows = await liveVersionRowsOf(db, [...names.keys()]);
    const byModel = new Map<string, ModelVersion[]>();
    for (const version of await hydrateVersions(db, versionRows, (id) => names.get(id)!)) {
      const list = byModel.get(version.name) ?? [];
      list.push(version);
      byModel.set(version.name, list);
    }
    return byModel;
  }
}

export function versionDocumentOf(version: ModelVersion): Record<string, unknown> {
  return versionDocument(
    {
      name: version.name,
      version: version.version,
      description: version.description,
      source: version.source,
      runId: version.runId,
      signature: version.signature,
      releaseNotes: version.releaseNotes,
      deprecatedBy: version.deprecation.deprecatedBy,
      sunsetTime: version.deprecation.sunsetTime,
    },
    Object.fromEntries(version.tags.map((t) => [t.key, t.value])),
    version.metadata,
  );
}

export function score(
  schema: { ref: SchemaRef; schema: JsonSchema } | undefined,
  document: Record<string, unknown>,
): Completeness & { schema: SchemaRef | null } {
  if (schema === undefined) return { schema: null, ...completeness(true, document) };
  return { schema: schema.ref, ...completeness(schema.schema, document) };
}

/** The latest schema per subject, looked up once per report. */
class SchemaCache {
  private readonly cache = new Map<string, { ref: SchemaRef; schema: JsonSchema } | undefined>();

  constructor(private readonly db: Executor) {}

  async latestFor(kind: EntityKind, name: string): Promise<{ ref: SchemaRef; schema: JsonSchema } | undefined> {
    const subject = await governingSubject(this.db, kind, name);
    if (subject === undefined) return undefined;
    if (!this.cache.has(subject)) {
      const info = await findSubject(this.db, subject);
      const stored = info ? await findSchema(this.db, subject, info.latestVersion) : undefined;
      this.cache.set(
        subject,
        stored ? { ref: { subject, version: stored.version }, schema: stored.schema } : undefined,
      );
    }
    return this.cache.get(subject);
  }
}
