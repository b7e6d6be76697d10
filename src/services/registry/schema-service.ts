import { invalid, MnemoError, notFound } from '../../domain/errors.js';
import { sha256Hex } from '../../domain/provenance/audit-event.js';
import { canonicalJson } from '../../domain/provenance/canonical-json.js';
import {
  type CompatibilityProblem,
  checkCompatibility,
  describeProblems,
} from '../../domain/registry/schema/compatibility.js';
import {
  type CompatibilityMode,
  DEFAULT_COMPATIBILITY,
  parseCompatibilityMode,
} from '../../domain/registry/schema/compatibility-mode.js';
import {
  compileSchema,
  type JsonSchema,
  type Violation,
  validateDocument,
} from '../../domain/registry/schema/json-schema.js';
import { checkSensitiveAnnotations } from '../../domain/registry/schema/sensitive-annotation.js';
import { formatSubject, parseSubject } from '../../domain/registry/schema/subject.js';
import type { StoredSchema, SubjectInfo } from '../../store/repositories/registry/schema-repository.js';
import * as schemas from '../../store/repositories/registry/schema-repository.js';
import type { Executor } from '../../store/store.js';
import { type RegistryDeps, registryWrite } from './registry-deps.js';

/** A new schema version that breaks its subject's compatibility mode; carries every reason. */
export class SchemaIncompatibleError extends MnemoError {
  constructor(
    readonly mode: CompatibilityMode,
    readonly problems: CompatibilityProblem[],
  ) {
    super('INVALID_STATE', describeProblems(mode, problems));
  }
}

export interface CompatibilityReport {
  subject: string;
  mode: CompatibilityMode;
  compatible: boolean;
  problems: CompatibilityProblem[];
}

/**
 * Metadata schemas per subject, versioned 1, 2, 3… and guarded by the subject's compatibility mode as in
 * Confluent Schema Registry. Registering a schema identical to the latest version returns that version.
 */
export class SchemaService {
  constructor(private readonly deps: RegistryDeps) {}

  async register(
    rawSubject: string,
    schema: unknown,
    mode?: string,
  ): Promise<{ schema: StoredSchema; created: boolean }> {
    const parsed = parseSubject(rawSubject);
    const subject = formatSubject(parsed);
    compileSchema(schema);
    checkSensitiveAnnotations(schema as JsonSchema, parsed.kind);
    const requestedMode = mode === undefined ? undefined : parseCompatibilityMode(mode);
    const text = canonicalJson(schema);
    const digest = sha256Hex(text);
    const now = this.deps.now();
    return registryWrite(this.deps, async ({ db, audit }) => {
      await schemas.ensureSubject(db, subject, requestedMode ?? DEFAULT_COMPATIBILITY, now);
      const info = (await schemas.lockSubject(db, subject))!;
      const modeChanged = requestedMode !== undefined && requestedMode !== info.compatibility;
      if (modeChanged) {
        await schemas.updateSubject(db, subject, { compatibility: requestedMode, last_updated_time: now });
        info.compatibility = requestedMode;
      }
      // The subject as this registration leaves it (mode, latest version, times) is recorded with it.
      const auditSubject = async () =>
        audit({
          action: 'metadata_subject.update',
          entityKind: 'metadata_subject',
          entityId: subject,
          state: (await schemas.findSubject(db, subject))!,
        });
      const history = await schemas.schemaHistory(db, subject);
      const latest = history.at(-1);
      if (latest && latest.schemaDigest === digest) {
        if (modeChanged) await auditSubject();
        return { schema: latest, created: false };
      }
      const problems = checkCompatibility(info.compatibility, history, schema as never);
      if (problems.length > 0) throw new SchemaIncompatibleError(info.compatibility, problems);
      const version = info.latestVersion + 1;
      await schemas.insertSchema(db, { subject, version, schema: text, schema_digest: digest, creation_time: now });
      await schemas.updateSubject(db, subject, { last_version: version, last_updated_time: now });
      const stored = (await schemas.findSchema(db, subject, version))!;
      audit({
        action: 'metadata_schema.register',
        entityKind: 'metadata_schema',
        entityId: `${subject}/${version}`,
        state: stored,
      });
      await auditSubject();
      return { schema: stored, created: true };
    });
  }

  /** Would this schema be accepted as the subject's next version? Changes nothing. */
  async check(rawSubject: string, schema: unknown): Promise<CompatibilityReport> {
    const parsed = parseSubject(rawSubject);
    const subject = formatSubject(parsed);
    // Only checked, not kept: a compatibility check stores nothing, in the database or in memory.
    compileSchema(schema, { keep: false });
    checkSensitiveAnnotations(schema as JsonSchema, parsed.kind);
    const db = this.deps.store.db;
    const info = await schemas.findSubject(db, subject);
    const mode = info?.compatibility ?? DEFAULT_COMPATIBILITY;
    const problems = checkCompatibility(mode, await schemas.schemaHistory(db, subject), schema as never);
    return { subject, mode, compatible: problems.length === 0, problems };
  }

  async get(rawSubject: string, version: string | number): Promise<StoredSchema> {
    const subject = formatSubject(parseSubject(rawSubject));
    const db = this.deps.store.db;
    const info = await this.requireSubject(db, subject);
    const number = version === 'latest' ? info.latestVersion : parseSchemaVersion(version);
    const found = await schemas.findSchema(db, subject, number);
    if (!found) {
      throw notFound(
        `Subject '${subject}' has no schema version ${version}` +
          (info.latestVersion > 0 ? `; versions 1 to ${info.latestVersion} exist` : '; it has no versions yet'),
      );
    }
    return found;
  }

  async versions(rawSubject: string): Promise<StoredSchema[]> {
    const subject = formatSubject(parseSubject(rawSubject));
    const db = this.deps.store.db;
    await this.requireSubject(db, subject);
    return schemas.schemaHistory(db, subject);
  }

  async subjects(): Promise<SubjectInfo[]> {
    return schemas.listSubjects(this.deps.store.db);
  }

  async subject(rawSubject: string): Promise<SubjectInfo> {
    return this.requireSubject(this.deps.store.db, formatSubject(parseSubject(rawSubject)));
  }

  /** Sets a subject's compatibility mode, creating the subject if it has none yet. */
  async setCompatibility(rawSubject: string, rawMode: string): Promise<SubjectInfo> {
    const subject = formatSubject(parseSubject(rawSubject));
    const mode = parseCompatibilityMode(rawMode);
    const now = this.deps.now();
    return registryWrite(this.deps, async ({ db, audit }) => {
      await schemas.ensureSubject(db, subject, mode, now);
      await schemas.updateSubject(db, subject, { compatibility: mode, last_updated_time: now });
      const info = (await schemas.findSubject(db, subject))!;
      audit({
        action: 'metadata_subject.set_compatibility',
        entityKind: 'metadata_subject',
        entityId: subject,
        state: info,
      });
      return info;
    });
  }

  /** Validates a document against one schema version without storing anything. */
  async validate(rawSubject: string, version: string | number, document: unknown): Promise<Violation[]> {
    const stored = await this.get(rawSubject, version);
    return validateDocument(stored.schema, document);
  }

  private async requireSubject(db: Executor, subject: string): Promise<SubjectInfo> {
    const info = await schemas.findSubject(db, subject);
    if (!info) throw notFound(`No metadata schema subject '${subject}'`);
    return info;
  }
}

function parseSchemaVersion(raw: string | number): number {
  const text = String(raw);
  if (!/^[1-9][0-9]{0,8}$/.test(text))
    throw invalid(`Schema version must be a positive integer or 'latest'; got '${text}'`);
  return Number(text);
}
