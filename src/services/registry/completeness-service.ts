import { invalid } from '../../domain/errors.js';
import { type Completeness, completeness } from '../../domain/registry/completeness.js';
import type { SchemaRef } from '../../domain/registry/entities.js';
import { modelDocument, versionDocument } from '../../domain/registry/metadata-document.js';
import type { EntityKind } from '../../domain/registry/naming-rule.js';
import type { JsonSchema } from '../../domain/registry/schema/json-schema.js';
import { hydrateModels } from '../../store/repositories/registry/model-repository.js';
import { findSchema, findSubject } from '../../store/repositories/registry/schema-repository.js';
import { hydrateVersions } from '../../store/repositories/registry/version-repository.js';
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
}

export interface CompletenessReport {
  records: CompletenessRecord[];
  summary: { records: number; averageScore: number; complete: number };
}

const REPORT_LIMIT = 10_000;

/**
 * Scores every model and version against what its kind's current schema expects (required and `x-recommended`
 * fields) and lists what each one is missing, so teams can see where their registry entries fall short.
 */
export class CompletenessService {
  constructor(private readonly deps: RegistryDeps) {}

  async report(query: CompletenessQuery = {}): Promise<CompletenessReport> {
    if (query.maxScore !== undefined && !(query.maxScore >= 0 && query.maxScore <= 1)) {
      throw invalid(`maxScore must be between 0 and 1; got ${query.maxScore}`);
    }
    const db = this.deps.store.db;
    let modelQuery = db.selectFrom('registered_models').selectAll().orderBy('name').limit(REPORT_LIMIT);
    if (query.name !== undefined) modelQuery = modelQuery.where('name', '=', query.name);
    const modelRows = await modelQuery.execute();
    const schemas = new SchemaCache(db);
    const records: CompletenessRecord[] = [];
    const models = await hydrateModels(db, modelRows);
    if (query.kind !== 'model_version') {
      for (const model of models) {
        const schema = await schemas.latestFor('model', model.name);
        const tags = Object.fromEntries(model.tags.map((t) => [t.key, t.value]));
        const document = modelDocument(model.name, model, tags, model.metadata);
        records.push({ kind: 'model', name: model.name, version: null, ...score(schema, document) });
      }
    }
    if (query.kind !== 'model') {
      const names = new Map(modelRows.map((row) => [row.model_id, row.name]));
      const ids = [...names.keys()];
      const versionRows =
        ids.length === 0
          ? []
          : await db
              .selectFrom('model_versions')
              .selectAll()
              .where('model_id', 'in', ids)
              .where('deleted_time', 'is', null)
              .orderBy('model_id')
              .orderBy('version')
              .limit(REPORT_LIMIT)
              .execute();
      for (const version of await hydrateVersions(db, versionRows, (id) => names.get(id)!)) {
        const schema = await schemas.latestFor('model_version', version.name);
        const document = versionDocument(
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
        records.push({
          kind: 'model_version',
          name: version.name,
          version: version.version,
          ...score(schema, document),
        });
      }
    }
    const selected = records.filter((r) => query.maxScore === undefined || r.score <= query.maxScore);
    const total = selected.reduce((sum, r) => sum + r.score, 0);
    return {
      records: selected,
      summary: {
        records: selected.length,
        averageScore: selected.length === 0 ? 1 : Math.round((total / selected.length) * 1000) / 1000,
        complete: selected.filter((r) => r.score === 1).length,
      },
    };
  }
}

function score(
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
