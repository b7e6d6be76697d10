import type { ReadableSet } from '../../domain/access/readable-set.js';
import { alreadyExists, invalid } from '../../domain/errors.js';
import type { AuditActionRecording } from '../../domain/provenance/audit-events/catalog.js';
import type { ModelCard, RegisteredModel } from '../../domain/registry/entities.js';
import { checkMetadataKeys, MODEL_DOCUMENT_FIELDS, modelDocument } from '../../domain/registry/metadata-document.js';
import { applyCardChanges, EMPTY_CARD, validateModelName } from '../../domain/registry/model-card.js';
import {
  MODEL_FILTER_SCHEMA,
  parseRegistryFilter,
  parseRegistryOrderBy,
} from '../../domain/registry/registry-filter.js';
import { decodePageToken, encodePageToken } from '../../domain/search/page-token.js';
import type { KeyValue } from '../../domain/tracking/entities.js';
import { toJsonColumn } from '../../store/repositories/registry/json-column.js';
import * as models from '../../store/repositories/registry/model-repository.js';
import { searchModelRows } from '../../store/repositories/registry/registry-search-query.js';
import { isUniqueViolation } from '../../store/repositories/registry/unique-violation.js';
import type { RegisteredModelsTable } from '../../store/schema-registry.js';
import type { Executor } from '../../store/store.js';
import { bindCreator } from '../access/permission-service.js';
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

/** Registered models: the model card, tags, custom metadata, rename and delete. */
export class ModelService {
  constructor(private readonly deps: RegistryDeps) {}

  async create(input: CreateModelInput): Promise<RegisteredModel> {
    const name = validateModelName(input.name);
    const { name: _n, tags: _t, metadata: _m, metadataSchemaVersion: _v, ...cardChanges } = input;
    const card = applyCardChanges(EMPTY_CARD, cardChanges);
    const tags = input.tags ?? [];
    const metadata = input.metadata ?? {};
    checkMetadataKeys(metadata, MODEL_DOCUMENT_FIELDS);
    const now = this.deps.now();
    return nameTaken(
      name,
      registryWrite(
        this.deps,
        async ({ db, audit }) => {
          await checkName(db, 'model', name);
          await checkTags(db, tags, this.deps.sensitive);
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
          const row: RegisteredModelsTable = {
            model_id: newId(),
            name,
            ...cardColumns(card),
            metadata: toJsonColumn(metadata),
            metadata_schema_subject: schema?.subject ?? null,
            metadata_schema_version: schema?.version ?? null,
            last_version: 0,
            creation_time: now,
            last_updated_time: now,
          };
          await models.insertModel(db, row);
          await models.upsertModelTags(db, row.model_id, tags);
          const created = await this.load(db, name);
          audit({
            action: 'registered_model.create',
            entityKind: 'registered_model',
            entityId: row.model_id,
            state: created,
          });
          await bindCreator({ db, audit }, 'model', row.model_id, now);
          return created;
        },
        (created) => [{ kind: 'registered_model.created', model: created }],
      ),
    );
  }

  async get(name: string): Promise<RegisteredModel> {
    return this.load(this.deps.store.db, name);
  }

  async update(name: string, changes: UpdateModelInput): Promise<RegisteredModel> {
    const { metadata: newMetadata, metadataSchemaVersion, ...cardChanges } = changes;
    if (newMetadata !== undefined) checkMetadataKeys(newMetadata, MODEL_DOCUMENT_FIELDS);
    return this.mutate(name, 'registered_model.update', async (db, row) => {
      const current = (await models.hydrateModels(db, [row]))[0]!;
      const card = applyCardChanges(current, cardChanges);
      const metadata = newMetadata ?? current.metadata;
      const schema = await checkMetadata(
        db,
        'model',
        name,
        modelDocument(name, card, tagMap(current.tags), metadata),
        metadataSchemaVersion ?? current.metadataSchema,
      );
      await models.updateModelRow(db, row.model_id, {
        ...cardColumns(card),
        metadata: toJsonColumn(metadata),
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
          state: renamed,
        });
        return renamed;
      }),
    );
  }

  /** Deletes the model with all its versions, tags, aliases and history. */
  async delete(name: string): Promise<void> {
    await registryWrite(this.deps, async ({ db, audit }) => {
      const row = await requireModel(db, name);
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
    return this.mutate(name, 'registered_model.set_tags', async (db, row) => {
      await checkTags(db, tags, this.deps.sensitive);
      await models.upsertModelTags(db, row.model_id, tags);
      await this.revalidate(db, row);
      await models.updateModelRow(db, row.model_id, { last_updated_time: this.deps.now() });
    });
  }

  async deleteTag(name: string, key: string): Promise<RegisteredModel> {
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
    const rows = await searchModelRows(db, {
      filter: parseRegistryFilter(input.filter, MODEL_FILTER_SCHEMA),
      orderBy: parseRegistryOrderBy(input.orderBy, 'model'),
      offset,
      limit: limit + 1,
      visible: input.visible,
    });
    const result: { models: RegisteredModel[]; nextPageToken?: string } = {
      models: await models.hydrateModels(db, rows.slice(0, limit)),
    };
    if (rows.length > limit) result.nextPageToken = encodePageToken(offset + limit);
    return result;
  }

  /** Tags are part of the metadata document, so changing them re-checks it against the record's schema. */
  private async revalidate(db: Executor, row: RegisteredModelsTable): Promise<void> {
    const current = (await models.hydrateModels(db, [row]))[0]!;
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
      audit({ action, entityKind: 'registered_model', entityId: modelEntityId(row), state: updated });
      return updated;
    });
  }

  private async load(db: Executor, name: string): Promise<RegisteredModel> {
    const row = await requireModel(db, name);
    return (await models.hydrateModels(db, [row]))[0]!;
  }
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
