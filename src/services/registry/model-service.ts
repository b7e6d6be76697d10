import type { ReadableSet } from '../../domain/access/readable-set.js';
import { auditedRegistryRecord } from '../../domain/encryption/sealed-registry-values.js';
import { parseSensitiveKeys } from '../../domain/encryption/sensitive-keys.js';
import { alreadyExists, invalid } from '../../domain/errors.js';
import type { AuditActionRecording } from '../../domain/provenance/audit-events/catalog.js';
import type { ModelCard, RegisteredModel, SchemaRef } from '../../domain/registry/entities.js';
import { checkMetadataKeys, MODEL_DOCUMENT_FIELDS, modelDocument } from '../../domain/registry/metadata-document.js';
import { applyCardChanges, EMPTY_CARD, validateModelName } from '../../domain/registry/model-card.js';
import {
  MODEL_FILTER_SCHEMA,
  parseRegistryFilter,
  parseRegistryOrderBy,
} from '../../domain/registry/registry-filter.js';
import { decodePageToken, encodePageToken } from '../../domain/search/page-token.js';
import type { KeyValue } from '../../domain/tracking/entities.js';
import { LIMITS, validateLength } from '../../domain/tracking/limits.js';
import { toJsonColumn } from '../../store/repositories/registry/json-column.js';
import * as models from '../../store/repositories/registry/model-repository.js';
import { searchModelRows } from '../../store/repositories/registry/registry-search-query.js';
import { isUniqueViolation } from '../../store/repositories/registry/unique-violation.js';
import type { RegisteredModelsTable } from '../../store/schema-registry.js';
import type { Executor } from '../../store/store.js';
import { bindCreator } from '../access/permission-service.js';
import { removeCommentsAboutVersionsOf, removeMilestonesOf } from '../collaboration/collaboration-cleanup.js';
import { SensitiveRegistryValues } from '../encryption/sensitive-registry-values.js';
import { SENSITIVE_KEYS_TAG, SensitiveValues } from '../encryption/sensitive-values.js';
import { newId } from '../ids.js';
import { renameModelVersionNodes } from '../lineage/model-version-lineage.js';
import type { WriteScope } from '../unit-of-work.js';
import { checkMetadata } from './metadata-gate.js';
import { modelEntityId, requireModel } from './model-lookup.js';
import { type RegistryDeps, registryWrite } from './registry-deps.js';
import { checkName, checkTags } from './registry-guard.js';

export interface CreateModelInput extends Partial<ModelCard> {
  name: string;
  tags?: KeyValue[] | undefined;
  metadata?: Record<string, unknown> | undefined;
  /** The metadata schema version the record is written against; the subject's latest when omitted. */
  metadataSchemaVersion?: number | undefined;
}

export interface UpdateModelInput extends Partial<ModelCard> {
  /** Replaces the custom metadata fields as a whole. */
  metadata?: Record<string, unknown> | undefined;
  metadataSchemaVersion?: number | undefined;
}

export interface SearchInput {
  filter?: string | undefined;
  orderBy?: string[] | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
  /** The registered models the caller may read (by id); everything when absent. */
  visible?: ReadableSet | undefined;
}

export const MAX_SEARCH_RESULTS = 1000;

/** A registered model's sensitive key patterns, beside the server's that apply to it too. */
export interface ModelSensitiveKeysSetting {
  name: string;
  patterns: string[];
  serverPatterns: string[];
  encryptionKeyConfigured: boolean;
}

const sensitiveKeysTagReserved = () =>
  invalid(
    `The tag '${SENSITIVE_KEYS_TAG}' holds the model's sensitive key patterns; change it through ` +
      'PUT /api/v1/registered-models/{name}/sensitive-keys',
  );

/** Refuses the reserved tag among tags set through the tag routes. */
export function refuseReservedModelTags(tags: readonly KeyValue[]): void {
  if (tags.some((tag) => tag.key === SENSITIVE_KEYS_TAG)) throw sensitiveKeysTagReserved();
}

/** Registered models: the model card, tags, custom metadata, rename and delete. */
export class ModelService {
  private readonly values: SensitiveRegistryValues;

  constructor(private readonly deps: RegistryDeps) {
    this.values = new SensitiveRegistryValues(deps.sensitive ?? new SensitiveValues());
  }

  async create(input: CreateModelInput): Promise<RegisteredModel> {
    const name = validateModelName(input.name);
    const { name: _n, tags: _t, metadata: _m, metadataSchemaVersion: _v, ...cardChanges } = input;
    const card = applyCardChanges(EMPTY_CARD, cardChanges);
    const tags = input.tags ?? [];
    const metadata = input.metadata ?? {};
    checkMetadataKeys(metadata, MODEL_DOCUMENT_FIELDS);
    refuseReservedModelTags(tags);
    const now = this.deps.now();
    const written = nameTaken(
      name,
      registryWrite(
        this.deps,
        async ({ db, audit }) => {
          await checkName(db, 'model', name);
          await checkTags(db, tags);
          if (await models.findModelRow(db, name)) {
            throw alreadyExists(`Registered Model (name=${name}) already exists.`);
          }
          const schema = await checkMetadata(
            db,
            'model',
            name,
            modelDocument(name, card, tagMap(tags), metadata),
            input.metadataSchemaVersion,
          );
          const record = { modelId: newId() };
          const policy = await this.values.policy(db, undefined, schema);
          const row: RegisteredModelsTable = {
            model_id: record.modelId,
            name,
            ...cardColumns(card),
            metadata: toJsonColumn(this.values.sealMetadata(policy, record, metadata)),
            metadata_schema_subject: schema?.subject ?? null,
            metadata_schema_version: schema?.version ?? null,
            last_version: 0,
            creation_time: now,
            last_updated_time: now,
          };
          await models.insertModel(db, row);
          await models.upsertModelTags(db, row.model_id, this.values.sealTags(policy, record, tags));
          const created = await this.load(db, name);
          audit({
            action: 'registered_model.create',
            entityKind: 'registered_model',
            entityId: row.model_id,
            state: auditedRegistryRecord(created),
          });
          await bindCreator({ db, audit }, 'model', row.model_id, now);
          return { stored: created, opened: this.values.open(record, created) };
        },
        // Webhook payloads carry sensitive values as stored (sealed): the outbox never holds their plaintext.
        (created) => [{ kind: 'registered_model.created', model: created.stored }],
      ),
    );
    return (await written).opened;
  }

  async get(name: string): Promise<RegisteredModel> {
    return this.loadOpened(this.deps.store.db, name);
  }

  /** The key patterns whose values this model and its versions store encrypted: its own and the server's. */
  async sensitiveKeys(name: string): Promise<ModelSensitiveKeysSetting> {
    const db = this.deps.store.db;
    const row = await requireModel(db, name);
    const model = (await models.hydrateModels(db, [row]))[0]!;
    return this.sensitiveKeysOf(model);
  }

  /**
   * Replaces the model's own sensitive key patterns (kept in its `mnemo.sensitive_keys` tag, which only this changes);
   * an empty list removes them. They apply to the model's tags and metadata fields and to those of its versions,
   * from the next write on; a rotation pass seals the values already stored.
   */
  async setSensitiveKeys(name: string, patterns: readonly string[]): Promise<ModelSensitiveKeysSetting> {
    const parsed = parseSensitiveKeys(patterns);
    if (!parsed.isEmpty && !this.values.keys) {
      throw invalid(
        'This server has no encryption key, so values matching these patterns could not be stored: start it with ' +
          'MNEMO_ENCRYPTION_KEY or --encryption-key-file first',
      );
    }
    const value = parsed.patterns.join(',');
    validateLength(value, LIMITS.tagValueLength, 'patterns');
    const updated = await registryWrite(this.deps, async ({ db, audit }) => {
      const row = await requireModel(db, name);
      if (parsed.isEmpty) await models.deleteModelTag(db, row.model_id, SENSITIVE_KEYS_TAG);
      else await models.upsertModelTags(db, row.model_id, [{ key: SENSITIVE_KEYS_TAG, value }]);
      await models.updateModelRow(db, row.model_id, { last_updated_time: this.deps.now() });
      const stored = await this.load(db, row.name);
      audit({
        action: parsed.isEmpty ? 'registered_model.delete_tag' : 'registered_model.set_tags',
        entityKind: 'registered_model',
        entityId: row.model_id,
        state: auditedRegistryRecord(stored),
      });
      return stored;
    });
    return this.sensitiveKeysOf(updated);
  }

  private sensitiveKeysOf(model: RegisteredModel): ModelSensitiveKeysSetting {
    const own = model.tags.find((tag) => tag.key === SENSITIVE_KEYS_TAG)?.value;
    return {
      name: model.name,
      patterns: own === undefined ? [] : own.split(',').filter((p) => p !== ''),
      serverPatterns: [...this.values.serverPatterns],
      encryptionKeyConfigured: this.values.keys !== undefined,
    };
  }

  async update(name: string, changes: UpdateModelInput): Promise<RegisteredModel> {
    const { metadata: newMetadata, metadataSchemaVersion, ...cardChanges } = changes;
    if (newMetadata !== undefined) checkMetadataKeys(newMetadata, MODEL_DOCUMENT_FIELDS);
    return this.mutate(name, 'registered_model.update', async (db, row) => {
      const current = await this.openedRow(db, row);
      const card = applyCardChanges(current, cardChanges);
      const metadata = newMetadata ?? current.metadata;
      const schema = await checkMetadata(
        db,
        'model',
        name,
        modelDocument(name, card, tagMap(current.tags), metadata),
        metadataSchemaVersion ?? current.metadataSchema,
      );
      // Metadata left as it is keeps its stored form; new metadata is sealed as the policy now says.
      const stored =
        newMetadata === undefined
          ? {}
          : {
              metadata: toJsonColumn(
                this.values.sealMetadata(
                  await this.values.policy(db, row.model_id, schema),
                  { modelId: row.model_id },
                  newMetadata,
                ),
              ),
            };
      await models.updateModelRow(db, row.model_id, {
        ...cardColumns(card),
        ...stored,
        metadata_schema_subject: schema?.subject ?? null,
        metadata_schema_version: schema?.version ?? null,
        last_updated_time: this.deps.now(),
      });
    });
  }

  async rename(name: string, newName: string): Promise<RegisteredModel> {
    const target = validateModelName(newName);
    return nameTaken(
      target,
      registryWrite(this.deps, async ({ db, audit }) => {
        const row = await requireModel(db, name);
        await checkName(db, 'model', target);
        if (target !== name && (await models.findModelRow(db, target))) {
          throw alreadyExists(`Registered Model (name=${target}) already exists.`);
        }
        await models.updateModelRow(db, row.model_id, { name: target, last_updated_time: this.deps.now() });
        await renameModelVersionNodes(db, { modelId: row.model_id, lastVersion: row.last_version, name: target });
        const renamed = await this.load(db, target);
        audit({
          action: 'registered_model.rename',
          entityKind: 'registered_model',
          entityId: row.model_id,
          state: auditedRegistryRecord(renamed),
        });
        return this.values.open({ modelId: row.model_id }, renamed);
      }),
    );
  }

  /** Deletes the model with all its versions, tags, aliases and history. */
  async delete(name: string): Promise<void> {
    await registryWrite(this.deps, async ({ db, audit }) => {
      const row = await requireModel(db, name);
      // Comments and milestones point at the model by id, not by a foreign key: they go with it, each audited.
      await removeCommentsAboutVersionsOf(db, audit, row.model_id);
      await removeMilestonesOf(db, audit, { kind: 'model', id: row.model_id });
      await models.deleteModelRow(db, row.model_id);
      audit({
        action: 'registered_model.delete',
        entityKind: 'registered_model',
        entityId: row.model_id,
        state: { name, deleted: true },
      });
    });
  }

  async setTags(name: string, tags: KeyValue[]): Promise<RegisteredModel> {
    refuseReservedModelTags(tags);
    return this.mutate(name, 'registered_model.set_tags', async (db, row) => {
      await checkTags(db, tags);
      const policy = await this.values.policy(db, row.model_id, schemaRefOf(row));
      await models.upsertModelTags(db, row.model_id, this.values.sealTags(policy, { modelId: row.model_id }, tags));
      await this.revalidate(db, row);
      await models.updateModelRow(db, row.model_id, { last_updated_time: this.deps.now() });
    });
  }

  async deleteTag(name: string, key: string): Promise<RegisteredModel> {
    if (key === SENSITIVE_KEYS_TAG) throw sensitiveKeysTagReserved();
    return this.mutate(name, 'registered_model.delete_tag', async (db, row) => {
      // Deleting a tag that is not there is not an error (MLflow's registry behaves the same).
      await models.deleteModelTag(db, row.model_id, key);
      await this.revalidate(db, row);
      await models.updateModelRow(db, row.model_id, { last_updated_time: this.deps.now() });
    });
  }

  async search(input: SearchInput): Promise<{ models: RegisteredModel[]; nextPageToken?: string }> {
    const limit = checkLimit(input.maxResults);
    const offset = decodePageToken(input.pageToken);
    const db = this.deps.store.db;
    const filter = parseRegistryFilter(input.filter, MODEL_FILTER_SCHEMA);
    const orderBy = parseRegistryOrderBy(input.orderBy, 'model');
    await this.values.refuseSearch(db, filter, orderBy);
    const rows = await searchModelRows(db, { filter, orderBy, offset, limit: limit + 1, visible: input.visible });
    const page = rows.slice(0, limit);
    const hydrated = await models.hydrateModels(db, page);
    const result: { models: RegisteredModel[]; nextPageToken?: string } = {
      models: hydrated.map((model, i) => this.values.open({ modelId: page[i]!.model_id }, model)),
    };
    if (rows.length > limit) result.nextPageToken = encodePageToken(offset + limit);
    return result;
  }

  /** Tags are part of the metadata document, so changing them re-checks it against the record's schema. */
  private async revalidate(db: Executor, row: RegisteredModelsTable): Promise<void> {
    const current = await this.openedRow(db, row);
    await checkMetadata(
      db,
      'model',
      row.name,
      modelDocument(row.name, current, tagMap(current.tags), current.metadata),
      current.metadataSchema,
    );
  }

  private async mutate(
    name: string,
    action: AuditActionRecording<'registered_model', RegisteredModel>,
    change: (db: Executor, row: RegisteredModelsTable) => Promise<void>,
  ): Promise<RegisteredModel> {
    return registryWrite(this.deps, async ({ db, audit }: WriteScope) => {
      const row = await requireModel(db, name);
      await change(db, row);
      const updated = await this.load(db, name);
      audit({
        action,
        entityKind: 'registered_model',
        entityId: modelEntityId(row),
        state: auditedRegistryRecord(updated),
      });
      return this.values.open({ modelId: row.model_id }, updated);
    });
  }

  /** The model as stored: sensitive values sealed. */
  private async load(db: Executor, name: string): Promise<RegisteredModel> {
    const row = await requireModel(db, name);
    return (await models.hydrateModels(db, [row]))[0]!;
  }

  /** The model as its readers see it: sensitive values opened. */
  private async loadOpened(db: Executor, name: string): Promise<RegisteredModel> {
    return this.openedRow(db, await requireModel(db, name));
  }

  private async openedRow(db: Executor, row: RegisteredModelsTable): Promise<RegisteredModel> {
    return this.values.open({ modelId: row.model_id }, (await models.hydrateModels(db, [row]))[0]!);
  }
}

/** The schema a record was last checked against, from its row. */
export function schemaRefOf(row: {
  metadata_schema_subject: string | null;
  metadata_schema_version: number | null;
}): SchemaRef | null {
  return row.metadata_schema_subject === null || row.metadata_schema_version === null
    ? null
    : { subject: row.metadata_schema_subject, version: Number(row.metadata_schema_version) };
}

/** A concurrent request that took the same name first surfaces as a unique violation: report it as such. */
async function nameTaken<T>(name: string, pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyExists(`Registered Model (name=${name}) already exists.`);
    throw error;
  }
}

export function checkLimit(maxResults: number | undefined): number {
  const limit = maxResults ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_RESULTS) {
    throw invalid(`max_results must be between 1 and ${MAX_SEARCH_RESULTS}; got ${maxResults}`);
  }
  return limit;
}

const tagMap = (tags: readonly KeyValue[]): Record<string, string> =>
  Object.fromEntries(tags.map((t) => [t.key, t.value]));

function cardColumns(card: ModelCard) {
  return {
    description: card.description,
    owner_team: card.ownerTeam,
    purpose: card.purpose,
    algorithm_family: card.algorithmFamily,
    task_type: card.taskType,
    intended_use: card.intendedUse,
    limitations: card.limitations,
    latency_budget_ms: card.latencyBudgetMs,
    regulatory_flags: toJsonColumn(card.regulatoryFlags),
  };
}
