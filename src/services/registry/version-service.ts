import type { Readable } from 'node:stream';
import { joinArtifactPath, normalizeArtifactPath } from '../../domain/artifacts/artifact-path.js';
import { auditedRegistryRecord } from '../../domain/encryption/sealed-registry-values.js';
import { invalid, invalidState, notFound } from '../../domain/errors.js';
import type { AuditActionRecording } from '../../domain/provenance/audit-events/catalog.js';
import { parseArtifactLocation } from '../../domain/registry/artifact-location.js';
import type { ModelVersion, Signature, VersionManifest } from '../../domain/registry/entities.js';
import { manifestDigest } from '../../domain/registry/manifest.js';
import {
  checkMetadataKeys,
  VERSION_DOCUMENT_FIELDS,
  versionDocument,
} from '../../domain/registry/metadata-document.js';
import { checkText } from '../../domain/registry/model-card.js';
import {
  parseRegistryFilter,
  parseRegistryOrderBy,
  VERSION_FILTER_SCHEMA,
} from '../../domain/registry/registry-filter.js';
import { decodePageToken, encodePageToken } from '../../domain/search/page-token.js';
import type { KeyValue } from '../../domain/tracking/entities.js';
import { checkLoggedModelId } from '../../domain/tracking/logged-model.js';
import type { RegistryEvent } from '../../domain/webhooks/registry-event.js';
import { toJsonColumn } from '../../store/repositories/registry/json-column.js';
import { nextVersionNumber, updateModelRow } from '../../store/repositories/registry/model-repository.js';
import { searchVersionRows } from '../../store/repositories/registry/registry-search-query.js';
import { recordTransitions } from '../../store/repositories/registry/transition-repository.js';
import * as versions from '../../store/repositories/registry/version-repository.js';
import { findRunRow } from '../../store/repositories/run-repository.js';
import type { LoggedModelsTable } from '../../store/schema-logged-models.js';
import type { ModelVersionsTable, RegisteredModelsTable } from '../../store/schema-registry.js';
import type { Executor } from '../../store/store.js';
import { saveDeclaredDocument } from '../dependencies/dependency-service.js';
import { declarationsInModelFiles } from '../dependencies/model-file-declarations.js';
import { registrationDeclarations } from '../dependencies/run-environment-declarations.js';
import { SensitiveRegistryValues } from '../encryption/sensitive-registry-values.js';
import { SensitiveValues } from '../encryption/sensitive-values.js';
import { newId } from '../ids.js';
import { recordModelVersionLineage } from '../lineage/model-version-lineage.js';
import { currentContext } from '../request-context.js';
import { runRoot } from '../tracking/artifact-service.js';
import { requireLoggedModel } from '../tracking/logged-model-records.js';
import { noteRegistration } from './logged-model-registration.js';
import { manifestChecked } from './manifest-checked-stream.js';
import { readManifest } from './manifest-reader.js';
import { checkMetadata } from './metadata-gate.js';
import { parseVersionNumber, requireModel, requireVersion, versionEntityId } from './model-lookup.js';
import { checkLimit, type SearchInput, schemaRefOf } from './model-service.js';
import { type RegistryDeps, registryWrite } from './registry-deps.js';
import { checkTags } from './registry-guard.js';

export interface CreateVersionInput {
  name: string;
  source: string;
  runId?: string | undefined;
  /** The MLflow 3 LoggedModel the version stands for (`model_id`); implied by a `models:/<id>` source. */
  loggedModelId?: string | undefined;
  description?: string | undefined;
  tags?: KeyValue[] | undefined;
  signature?: Signature | undefined;
  releaseNotes?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
  metadataSchemaVersion?: number | undefined;
}

export interface UpdateVersionInput {
  description?: string | null | undefined;
  releaseNotes?: string | null | undefined;
  /** Set both to null to withdraw a deprecation. */
  deprecatedBy?: number | null | undefined;
  sunsetTime?: number | null | undefined;
  metadata?: Record<string, unknown> | undefined;
  metadataSchemaVersion?: number | undefined;
}

/**
 * Model versions: numbered 1, 2, 3… per model under the model row's lock, registered from a location under the
 * artifact root whose files the server hashes into a manifest, with a signature, release notes, a deprecation
 * plan and schema-checked metadata.
 */
export class VersionService {
  private readonly values: SensitiveRegistryValues;

  constructor(private readonly deps: RegistryDeps) {
    this.values = new SensitiveRegistryValues(deps.sensitive ?? new SensitiveValues());
  }

  async create(input: CreateVersionInput): Promise<ModelVersion> {
    const location = parseArtifactLocation(input.source);
    const logged = await this.loggedModelOf(location, input.loggedModelId);
    const runId = await this.checkRun(location, input.runId, logged);
    const storagePath =
      logged && location.kind === 'logged_model' ? logged.artifact_location : await this.storagePath(location);
    if (input.description !== undefined) checkText(input.description, 'description');
    if (input.releaseNotes !== undefined) checkText(input.releaseNotes, 'releaseNotes');
    const metadata = input.metadata ?? {};
    checkMetadataKeys(metadata, VERSION_DOCUMENT_FIELDS);
    const tags = input.tags ?? [];
    // Files are hashed before the transaction opens: reading them can take a while and holds no lock.
    // A source without files is registered as MLflow does (its clients register before uploading, or never
    // upload); the version then says so (sourceWithoutFiles), completeness counts it and policies can refuse it.
    const manifest = await readManifest(this.deps.artifacts, storagePath);
    const digest = manifestDigest(manifest);
    const declared = await declarationsInModelFiles(this.deps.artifacts, storagePath, manifest);
    const actor = currentContext().actor;
    const now = this.deps.now();
    const written = await registryWrite(
      this.deps,
      async ({ db, audit }) => {
        const model = await requireModel(db, input.name);
        await checkTags(db, tags);
        const version = await nextVersionNumber(db, model.model_id);
        const fields = {
          name: model.name,
          version,
          description: input.description ?? null,
          source: input.source,
          runId,
          signature: input.signature ?? null,
          releaseNotes: input.releaseNotes ?? null,
          deprecatedBy: null,
          sunsetTime: null,
        };
        const schema = await checkMetadata(
          db,
          'model_version',
          model.name,
          versionDocument(fields, tagMap(tags), metadata),
          input.metadataSchemaVersion,
        );
        const record = { modelId: model.model_id, version };
        const policy = await this.values.policy(db, model.model_id, schema);
        await versions.insertVersion(db, {
          model_id: model.model_id,
          version,
          user_id: actor,
          description: fields.description,
          source: input.source,
          storage_path: storagePath,
          run_id: runId,
          status: 'READY',
          status_message: null,
          stage: 'None',
          manifest: toJsonColumn(manifest),
          manifest_digest: digest,
          signature: fields.signature === null ? null : toJsonColumn(fields.signature),
          release_notes: fields.releaseNotes,
          deprecated_by: null,
          sunset_time: null,
          metadata: toJsonColumn(this.values.sealMetadata(policy, record, metadata)),
          metadata_schema_subject: schema?.subject ?? null,
          metadata_schema_version: schema?.version ?? null,
          creation_time: now,
          last_updated_time: now,
          deleted_time: null,
          logged_model_id: logged?.model_id ?? null,
        });
        await versions.upsertVersionTags(db, model.model_id, version, this.values.sealTags(policy, record, tags));
        await recordTransitions(db, [
          {
            transition_id: newId(),
            model_id: model.model_id,
            version,
            from_stage: null,
            to_stage: 'None',
            actor,
            reason: 'registered',
            transition_time: now,
          },
        ]);
        await updateModelRow(db, model.model_id, { last_updated_time: now });
        // The lineage graph gets the version and its training run (run —produced→ version) in this transaction.
        await recordModelVersionLineage(
          { db, audit },
          { modelId: model.model_id, version, modelName: model.name, runId: runId ?? null, createdTime: now },
          now,
        );
        if (logged) await noteRegistration({ db, audit }, logged, model.model_id, model.name, version, now);
        // What the files declare, with what the source run's captured environment adds where they are silent.
        const declarations = await registrationDeclarations(db, runId ?? null, declared);
        if (declarations) {
          await saveDeclaredDocument(
            { db, audit },
            model.model_id,
            version,
            declarations.document,
            declarations.origin,
            now,
          );
        }
        const created = await this.load(db, model, version);
        audit({
          action: 'model_version.create',
          entityKind: 'model_version',
          entityId: versionEntityId(model, version),
          // Where the files were read from is not part of the entity but decides what gets served: log it too.
          state: { ...auditedRegistryRecord(created), storagePath },
        });
        // A version without files has nothing to vouch for yet: it gets no attestation (and says so, see above).
        if (manifest.length > 0) await this.deps.attestModelVersion?.({ db, audit }, model.name, version);
        return { stored: created, opened: this.values.open(record, created) };
      },
      // Webhook payloads carry sensitive values as stored (sealed): the outbox never holds their plaintext.
      (created) => [{ kind: 'model_version.created', version: created.stored }],
    );
    return written.opened;
  }

  async get(name: string, version: string | number): Promise<ModelVersion> {
    const number = parseVersionNumber(version);
    const db = this.deps.store.db;
    return this.loadOpened(db, await requireModel(db, name), number);
  }

  /**
   * Where a client downloads the version's files from: its source, except that a LoggedModel's `models:/<id>` is
   * answered with the model's folder, which is what the client lists and reads through the artifact proxy.
   */
  async downloadUri(name: string, version: string | number): Promise<string> {
    const number = parseVersionNumber(version);
    const db = this.deps.store.db;
    const row = await requireVersion(db, await requireModel(db, name), number);
    return parseArtifactLocation(row.source).kind === 'logged_model'
      ? `mlflow-artifacts:/${row.storage_path}`
      : row.source;
  }

  async manifest(name: string, version: string | number): Promise<VersionManifest> {
    const number = parseVersionNumber(version);
    const db = this.deps.store.db;
    const model = await requireModel(db, name);
    const row = await requireVersion(db, model, number);
    return {
      name: model.name,
      version: number,
      source: row.source,
      manifestDigest: row.manifest_digest,
      files: versions.manifestOf(row),
    };
  }

  /**
   * Streams one of a version's registered files, named by its path in the version's manifest. Only manifest entries
   * can be named, so a read never reaches beyond the files the version was registered with.
   */
  async readFile(name: string, version: string | number, path: string): Promise<{ body: Readable; size: number }> {
    const number = parseVersionNumber(version);
    const relative = normalizeArtifactPath(path, 'path');
    const db = this.deps.store.db;
    const model = await requireModel(db, name);
    const row = await requireVersion(db, model, number);
    const files = versions.manifestOf(row);
    const entry = files.find((file) => file.path === relative);
    if (!entry) {
      throw notFound(`Model Version (name=${model.name}, version=${number}) has no file '${relative}'`);
    }
    // A version registered from a single file stores that file itself, with its name as the only manifest entry.
    const isSingleFile = files.length === 1 && row.storage_path.split('/').pop() === relative;
    const found =
      (await this.deps.artifacts.get(joinArtifactPath(row.storage_path, relative))) ??
      (isSingleFile ? await this.deps.artifacts.get(row.storage_path) : undefined);
    if (!found) {
      throw notFound(`File '${relative}' of model version ${model.name}/${number} is missing from the artifact store`);
    }
    return manifestChecked(found, entry, `File '${relative}' of model version ${model.name}/${number}`);
  }

  /** Every live version of a model, oldest first. */
  async list(name: string): Promise<ModelVersion[]> {
    const db = this.deps.store.db;
    const model = await requireModel(db, name);
    const listed = await versions.hydrateVersions(
      db,
      await versions.liveVersionRows(db, model.model_id),
      () => model.name,
    );
    return listed.map((v) => this.values.open({ modelId: model.model_id, version: v.version }, v));
  }

  async update(name: string, version: string | number, changes: UpdateVersionInput): Promise<ModelVersion> {
    if (changes.metadata !== undefined) checkMetadataKeys(changes.metadata, VERSION_DOCUMENT_FIELDS);
    if (changes.description) checkText(changes.description, 'description');
    if (changes.releaseNotes) checkText(changes.releaseNotes, 'releaseNotes');
    return this.mutate(name, version, 'model_version.update', async (db, model, row) => {
      const next: Partial<ModelVersionsTable> = { last_updated_time: this.deps.now() };
      if (changes.description !== undefined) next.description = changes.description || null;
      if (changes.releaseNotes !== undefined) next.release_notes = changes.releaseNotes || null;
      if (changes.deprecatedBy !== undefined) {
        if (changes.deprecatedBy !== null) await this.checkSuccessor(db, model, row, changes.deprecatedBy);
        next.deprecated_by = changes.deprecatedBy;
      }
      if (changes.sunsetTime !== undefined) {
        if (changes.sunsetTime !== null && (!Number.isSafeInteger(changes.sunsetTime) || changes.sunsetTime < 0)) {
          throw invalid(`sunsetTime must be epoch milliseconds; got ${changes.sunsetTime}`);
        }
        next.sunset_time = changes.sunsetTime;
      }
      await versions.updateVersionRow(db, model.model_id, row.version, next);
      await this.revalidate(db, model, Number(row.version), changes.metadataSchemaVersion, changes.metadata);
    });
  }

  /** Marks the version deleted (its number is never reused) and drops its aliases. */
  async delete(name: string, version: string | number): Promise<void> {
    const number = parseVersionNumber(version);
    await registryWrite(this.deps, async ({ db, audit }) => {
      const model = await requireModel(db, name);
      await requireVersion(db, model, number);
      const now = this.deps.now();
      await versions.deleteAliasesOf(db, model.model_id, number);
      await versions.updateVersionRow(db, model.model_id, number, { deleted_time: now, last_updated_time: now });
      await updateModelRow(db, model.model_id, { last_updated_time: now });
      audit({
        action: 'model_version.delete',
        entityKind: 'model_version',
        entityId: versionEntityId(model, number),
        state: { name: model.name, version: number, deleted: true, deletedTime: now },
      });
    });
  }

  async setTags(name: string, version: string | number, tags: KeyValue[]): Promise<ModelVersion> {
    return this.mutate(
      name,
      version,
      'model_version.set_tags',
      async (db, model, row) => {
        await checkTags(db, tags);
        const record = { modelId: model.model_id, version: Number(row.version) };
        const policy = await this.values.policy(db, model.model_id, schemaRefOf(row));
        await versions.upsertVersionTags(
          db,
          model.model_id,
          record.version,
          this.values.sealTags(policy, record, tags),
        );
        await this.revalidate(db, model, record.version, undefined);
      },
      // The value as stored: a sensitive one travels sealed.
      (v) =>
        tags.map((t) => ({
          kind: 'model_version_tag.set',
          key: t.key,
          value: v.tags.find((stored) => stored.key === t.key)?.value ?? t.value,
          ...at(v),
        })),
    );
  }

  async deleteTag(name: string, version: string | number, key: string): Promise<ModelVersion> {
    return this.mutate(
      name,
      version,
      'model_version.delete_tag',
      async (db, model, row) => {
        // Deleting a tag that is not there is not an error (MLflow's registry behaves the same).
        await versions.deleteVersionTag(db, model.model_id, Number(row.version), key);
        await this.revalidate(db, model, Number(row.version), undefined);
      },
      (v) => [{ kind: 'model_version_tag.deleted', key, ...at(v) }],
    );
  }

  async search(input: SearchInput): Promise<{ versions: ModelVersion[]; nextPageToken?: string }> {
    const limit = checkLimit(input.maxResults);
    const offset = decodePageToken(input.pageToken);
    const db = this.deps.store.db;
    const filter = parseRegistryFilter(input.filter, VERSION_FILTER_SCHEMA);
    const orderBy = parseRegistryOrderBy(input.orderBy, 'version');
    await this.values.refuseSearch(db, filter, orderBy);
    const rows = await searchVersionRows(db, { filter, orderBy, offset, limit: limit + 1, visible: input.visible });
    const page = rows.slice(0, limit);
    const names = new Map(page.map((r) => [r.model_id, r.model_name]));
    const hydrated = await versions.hydrateVersions(db, page, (id) => names.get(id)!);
    const result: { versions: ModelVersion[]; nextPageToken?: string } = {
      versions: hydrated.map((v, i) => this.values.open({ modelId: page[i]!.model_id, version: v.version }, v)),
    };
    if (rows.length > limit) result.nextPageToken = encodePageToken(offset + limit);
    return result;
  }

  /**
   * Re-checks the version's metadata document after a change, against the schema it declares; `newMetadata` replaces
   * the custom fields and is stored sealed as the policy of that schema says (fields left as they are keep their
   * stored form).
   */
  private async revalidate(
    db: Executor,
    model: RegisteredModelsTable,
    number: number,
    requestedVersion: number | undefined,
    newMetadata?: Record<string, unknown>,
  ): Promise<void> {
    const current = await this.loadOpened(db, model, number);
    const schema = await checkMetadata(
      db,
      'model_version',
      model.name,
      versionDocument(
        {
          name: model.name,
          version: number,
          description: current.description,
          source: current.source,
          runId: current.runId,
          signature: current.signature,
          releaseNotes: current.releaseNotes,
          deprecatedBy: current.deprecation.deprecatedBy,
          sunsetTime: current.deprecation.sunsetTime,
        },
        tagMap(current.tags),
        newMetadata ?? current.metadata,
      ),
      requestedVersion ?? current.metadataSchema,
    );
    const next: Partial<ModelVersionsTable> = {
      metadata_schema_subject: schema?.subject ?? null,
      metadata_schema_version: schema?.version ?? null,
    };
    if (newMetadata !== undefined) {
      const policy = await this.values.policy(db, model.model_id, schema);
      next.metadata = toJsonColumn(
        this.values.sealMetadata(policy, { modelId: model.model_id, version: number }, newMetadata),
      );
    }
    await versions.updateVersionRow(db, model.model_id, number, next);
  }

  private async checkSuccessor(
    db: Executor,
    model: RegisteredModelsTable,
    row: ModelVersionsTable,
    successor: number,
  ): Promise<void> {
    if (!Number.isInteger(successor) || successor === Number(row.version)) {
      throw invalid(`A version cannot be deprecated by itself; deprecatedBy must name another version`);
    }
    await requireVersion(db, model, successor);
  }

  /**
   * The LoggedModel a version is registered from: named by a `models:/<id>` source or by `model_id` (or both, then
   * the same). Only a model whose files finished uploading can be registered: its files are frozen from then on.
   */
  private async loggedModelOf(
    location: ReturnType<typeof parseArtifactLocation>,
    requested: string | undefined,
  ): Promise<LoggedModelsTable | undefined> {
    const fromSource = location.kind === 'logged_model' ? location.modelId : undefined;
    const wanted = requested === '' ? undefined : requested;
    if (fromSource !== undefined && wanted !== undefined && wanted !== fromSource) {
      throw invalid(`model_id '${wanted}' does not match the model in source (${fromSource})`);
    }
    const id = fromSource ?? wanted;
    if (id === undefined) return undefined;
    const row = await requireLoggedModel(this.deps.store.db, checkLoggedModelId(id));
    if (row.status !== 'LOGGED_MODEL_READY') {
      throw invalidState(
        `Logged model ${id} is ${row.status}; finalize it as LOGGED_MODEL_READY once its files are uploaded, then register it`,
      );
    }
    return row;
  }

  private async checkRun(
    location: ReturnType<typeof parseArtifactLocation>,
    runId: string | undefined,
    logged?: LoggedModelsTable,
  ): Promise<string | null> {
    if (logged?.source_run_id && location.kind !== 'run') {
      if (runId !== undefined && runId !== '' && runId !== logged.source_run_id) {
        throw invalid(
          `run_id '${runId}' does not match the run that logged model ${logged.model_id} (${logged.source_run_id})`,
        );
      }
      return logged.source_run_id;
    }
    const fromSource = location.kind === 'run' ? location.runId : undefined;
    if (fromSource !== undefined && runId !== undefined && runId !== '' && runId !== fromSource) {
      throw invalid(`run_id '${runId}' does not match the run in source (${fromSource})`);
    }
    const id = fromSource ?? (runId === '' ? undefined : runId);
    if (id === undefined) return null;
    if (!(await findRunRow(this.deps.store.db, id))) throw notFound(`Run with id=${id} not found`);
    return id;
  }

  private async storagePath(location: ReturnType<typeof parseArtifactLocation>): Promise<string> {
    if (location.kind === 'root') return location.path;
    if (location.kind === 'logged_model') throw new Error('a logged model source is resolved by loggedModelOf');
    const run = await findRunRow(this.deps.store.db, location.runId);
    if (!run) throw notFound(`Run with id=${location.runId} not found`);
    return joinArtifactPath(runRoot(run), location.path);
  }

  private async mutate(
    name: string,
    version: string | number,
    action: AuditActionRecording<'model_version', ModelVersion>,
    change: (db: Executor, model: RegisteredModelsTable, row: ModelVersionsTable) => Promise<void>,
    events?: (updated: ModelVersion) => RegistryEvent[],
  ): Promise<ModelVersion> {
    const number = parseVersionNumber(version);
    const written = await registryWrite(
      this.deps,
      async ({ db, audit }) => {
        const model = await requireModel(db, name);
        const row = await requireVersion(db, model, number);
        await change(db, model, row);
        const updated = await this.load(db, model, number);
        audit({
          action,
          entityKind: 'model_version',
          entityId: versionEntityId(model, number),
          state: auditedRegistryRecord(updated),
        });
        return { stored: updated, opened: this.values.open({ modelId: model.model_id, version: number }, updated) };
      },
      events && ((written) => events(written.stored)),
    );
    return written.opened;
  }

  /** The version as stored: sensitive values sealed. */
  private async load(db: Executor, model: RegisteredModelsTable, number: number): Promise<ModelVersion> {
    const row = await requireVersion(db, model, number);
    return (await versions.hydrateVersions(db, [row], () => model.name))[0]!;
  }

  /** The version as its readers see it: sensitive values opened. */
  private async loadOpened(db: Executor, model: RegisteredModelsTable, number: number): Promise<ModelVersion> {
    return this.values.open({ modelId: model.model_id, version: number }, await this.load(db, model, number));
  }
}

const at = (v: ModelVersion) => ({ name: v.name, version: v.version });

const tagMap = (tags: readonly KeyValue[]): Record<string, string> =>
  Object.fromEntries(tags.map((t) => [t.key, t.value]));
