import type { ReadableSet } from '../../domain/access/readable-set.js';
import { invalid, notFound } from '../../domain/errors.js';
import { MAX_DEPTH } from '../../domain/lineage/depth.js';
import type { PathStep } from '../../domain/lineage/impact.js';
import { parseNodeId } from '../../domain/lineage/node-id.js';
import {
  describeReplacement,
  evaluationClears,
  REVALIDATION_CAUSES,
  type RevalidationCauseKind,
  type RevalidationFlag,
} from '../../domain/registry/revalidation.js';
import { type FlagMentions, redactFlagMentions } from '../../domain/registry/revalidation-redaction.js';
import type { RegistryEvent } from '../../domain/webhooks/registry-event.js';
import { findNode } from '../../store/repositories/lineage/node-repository.js';
import { findModelNameById, findModelRow } from '../../store/repositories/registry/model-repository.js';
import * as flags from '../../store/repositories/registry/revalidation-repository.js';
import { findVersionRow } from '../../store/repositories/registry/version-repository.js';
import type { Executor, Store } from '../../store/store.js';
import { newId } from '../ids.js';
import { LineageQueryService, TRAINING_EDGES } from '../lineage/lineage-query-service.js';
import type { UpstreamChange, UpstreamChangeHandler } from '../lineage/upstream-changes.js';
import { currentContext } from '../request-context.js';
import type { WriteScope } from '../unit-of-work.js';
import { parseVersionNumber, requireModel, requireVersion } from './model-lookup.js';
import type { RegistryDeps } from './registry-deps.js';

const MAX_LIST = 1000;

/**
 * The `needs_revalidation` flags of model versions: raised when data, features or schemas they were trained on change
 * (found through the lineage graph, transitively), cleared by an evaluation on the new upstream version or by a
 * manager with a reason. Every raise and clear is audited; raises are announced to webhooks and the model's managers.
 */
export class RevalidationService implements UpstreamChangeHandler {
  /**
   * Announcements staged by writes not yet committed, told to `onCommitted` (which wakes webhook delivery) after the
   * next commit. One whose write rolled back only wakes delivery for nothing: what is delivered is what was stored.
   */
  private staged: RegistryEvent[] = [];

  constructor(private readonly deps: RegistryDeps) {
    deps.unitOfWork.afterEachCommit(() => {
      if (this.staged.length === 0) return;
      const events = this.staged;
      this.staged = [];
      for (const event of events) deps.onCommitted?.(event);
    });
  }

  /**
   * Flags every model version trained on `upstreamNodeId` (directly or through any number of lineage hops) because
   * it changed, in its own audited write. For changes Mnemo does not see itself, such as a deployment target's
   * environment; returns the flags raised or moved on.
   */
  async flagDependents(
    upstreamNodeId: string,
    cause: { kind: RevalidationCauseKind; description?: string },
  ): Promise<RevalidationFlag[]> {
    if (!REVALIDATION_CAUSES.includes(cause.kind)) {
      throw invalid(`cause must be one of ${REVALIDATION_CAUSES.join(', ')}`);
    }
    parseNodeId(upstreamNodeId, 'upstreamNodeId');
    return this.deps.unitOfWork.write(async (scope) => {
      if (!(await findNode(scope.db, upstreamNodeId))) throw notFound(`Lineage node ${upstreamNodeId} does not exist`);
      return this.upstreamChanged(scope, {
        kind: cause.kind,
        upstreamNodeId,
        replacedNodeIds: [upstreamNodeId],
        ...(cause.description ? { description: cause.description } : {}),
      });
    });
  }

  async upstreamChanged(scope: WriteScope, change: UpstreamChange): Promise<RevalidationFlag[]> {
    if (change.replacedNodeIds.length === 0) return [];
    const { db } = scope;
    const queries = this.queriesOver(db);
    const walk = await queries.walk([...change.replacedNodeIds], 'downstream', {
      edgeTypes: TRAINING_EDGES,
      depth: MAX_DEPTH,
    });
    const upstream = await findNode(db, change.upstreamNodeId);
    const upstreamLabel = upstream?.label ?? change.upstreamNodeId;
    const labels = new Map<string, string>(walk.roots.map((n) => [n.id, n.label]));
    // What is already trained on the new node is up to date with it.
    const current = change.replacedNodeIds.includes(change.upstreamNodeId)
      ? new Set<string>()
      : new Set(
          (
            await queries.walk([change.upstreamNodeId], 'downstream', { edgeTypes: TRAINING_EDGES, depth: MAX_DEPTH })
          ).nodes.map((r) => r.node.id),
        );
    const raised: RevalidationFlag[] = [];
    for (const reached of walk.nodes) {
      if (reached.node.kind !== 'model_version' || current.has(reached.node.id)) continue;
      const entity = parseNodeId(reached.node.id).entityId;
      const slash = entity.lastIndexOf('/');
      const modelId = entity.slice(0, slash);
      const version = Number(entity.slice(slash + 1));
      const replaced = reached.path[0]?.from ?? change.replacedNodeIds[0]!;
      const description =
        change.description ?? describeReplacement(change.kind, labels.get(replaced) ?? replaced, upstreamLabel);
      const flag = await this.flagVersion(scope, {
        modelId,
        version,
        cause: {
          kind: change.kind,
          upstreamNodeId: change.upstreamNodeId,
          upstreamLabel,
          replacedNodeId: replaced,
          description,
        },
        path: reached.path,
      });
      if (flag) raised.push(flag);
    }
    return raised;
  }

  /**
   * Raises (or moves on to a newer change) one version's flag for one replaced node, with its audit and news, inside
   * the caller's write: for changes that reach a version other than through its training lineage (a deployment
   * target's environment). Returns undefined when the version is gone or already flagged for that very change.
   */
  async flagVersion(
    scope: WriteScope,
    input: { modelId: string; version: number; cause: RevalidationFlag['cause']; path: PathStep[] },
  ): Promise<RevalidationFlag | undefined> {
    const { db } = scope;
    const name = await findModelNameById(db, input.modelId);
    const versionRow = name === undefined ? undefined : await findVersionRow(db, input.modelId, input.version);
    // A version deleted since its lineage was recorded has nothing left to revalidate.
    if (name === undefined || !versionRow || versionRow.deleted_time !== null) return undefined;
    const now = this.deps.now();
    const fields = {
      cause_kind: input.cause.kind,
      upstream_node: input.cause.upstreamNodeId,
      upstream_label: input.cause.upstreamLabel,
      replaced_node: input.cause.replacedNodeId,
      description: input.cause.description,
      path: JSON.stringify(input.path),
      raised_time: now,
    };
    const open = await flags.findOpenFlag(db, input.modelId, input.version, input.cause.replacedNodeId);
    let flagId: string;
    if (open) {
      if (open.upstream_node === input.cause.upstreamNodeId && open.cause_kind === input.cause.kind) return undefined;
      flagId = open.flag_id;
      await flags.updateFlag(db, flagId, fields);
    } else {
      flagId = newId();
      await flags.insertFlag(db, {
        flag_id: flagId,
        model_id: input.modelId,
        version: input.version,
        ...fields,
        cleared_time: null,
        cleared_by: null,
        cleared_actor: null,
        cleared_reason: null,
      });
    }
    const flag: RevalidationFlag = {
      id: flagId,
      modelId: input.modelId,
      name,
      version: input.version,
      cause: input.cause,
      path: input.path,
      raisedTime: now,
      cleared: null,
    };
    scope.audit({ action: 'revalidation_flag.raise', entityKind: 'revalidation_flag', entityId: flagId, state: flag });
    await this.announce(scope, flag, versionRow.stage);
    return flag;
  }

  private async announce(scope: WriteScope, flag: RevalidationFlag, stage: string): Promise<void> {
    const event: RegistryEvent = {
      kind: 'model_version.needs_revalidation',
      name: flag.name,
      version: flag.version,
      stage,
      reasons: [flag.cause.description],
      cause: flag.cause,
      path: flag.path,
    };
    if (this.deps.stageEvents) {
      await this.deps.stageEvents(scope, [event]);
      this.staged.push(event);
    }
    if (!this.deps.notify || !this.deps.notificationRecipients) return;
    const recipients = await this.deps.notificationRecipients.managersOfModel(scope.db, flag.modelId);
    // Each manager is told only what they may read: recipients who may read the same nodes get the same message.
    const messages = new Map<string, { shown: FlagMentions; recipients: string[] }>();
    for (const recipient of recipients) {
      const hidden = this.deps.nodeVisibility
        ? await this.deps.nodeVisibility.hiddenIn(scope.db, recipient, flag)
        : new Set<string>();
      const shown = redactFlagMentions(flag, (id) => hidden.has(id));
      const key = JSON.stringify(shown);
      const message = messages.get(key) ?? { shown, recipients: [] };
      message.recipients.push(recipient);
      messages.set(key, message);
    }
    for (const { shown, recipients: told } of messages.values()) {
      await this.deps.notify(scope, {
        kind: 'needs_revalidation',
        recipients: told,
        subject: `${flag.name} version ${flag.version} needs revalidation`,
        body: `${shown.cause.description}.\nLineage path:\n${shown.path
          .map((s) => `- ${s.from} -${s.type}-> ${s.to}`)
          .join('\n')}\nRecord an evaluation on ${shown.cause.upstreamLabel} to clear it.`,
        link: `/models/${encodeURIComponent(flag.name)}/versions/${flag.version}`,
        resource: { kind: 'model', name: flag.name, version: flag.version },
      });
    }
  }

  /**
   * Clears the version's open flags whose new upstream version one of the evaluations just recorded was measured on,
   * inside the write that records them.
   */
  async clearByEvaluations(
    scope: WriteScope,
    model: { model_id: string; name: string },
    version: number,
    datasetVersions: readonly (string | null)[],
  ): Promise<RevalidationFlag[]> {
    const cleared: RevalidationFlag[] = [];
    for (const row of await flags.openFlagRowsOf(scope.db, model.model_id, version)) {
      const flag = flags.flagOf(row, model.name);
      const on = datasetVersions.find((d) => evaluationClears(flag, d));
      if (on === undefined) continue;
      cleared.push(
        await this.close(scope, flag, {
          by: 'evaluation',
          reason: `Evaluation recorded on ${flag.cause.upstreamLabel}`,
        }),
      );
    }
    return cleared;
  }

  /** A manager's decision that the version needs no revalidation after all; the reason is kept and audited. */
  async clear(name: string, version: string | number, reason: string): Promise<RevalidationFlag[]> {
    const number = parseVersionNumber(version);
    const why = reason.trim();
    if (why === '') throw invalid('A reason is required to clear a revalidation flag');
    if (why.length > 2000) throw invalid('reason must be at most 2000 characters');
    return this.deps.unitOfWork.write(async (scope) => {
      const model = await requireModel(scope.db, name);
      await requireVersion(scope.db, model, number);
      const open = await flags.openFlagRowsOf(scope.db, model.model_id, number);
      if (open.length === 0) throw invalid(`${model.name} version ${number} is not flagged for revalidation`);
      const cleared = [];
      for (const row of open) {
        cleared.push(await this.close(scope, flags.flagOf(row, model.name), { by: 'manual', reason: why }));
      }
      return cleared;
    });
  }

  private async close(
    scope: WriteScope,
    flag: RevalidationFlag,
    how: { by: 'evaluation' | 'manual'; reason: string },
  ): Promise<RevalidationFlag> {
    const clearance = { time: this.deps.now(), by: how.by, actor: currentContext().actor, reason: how.reason };
    await flags.updateFlag(scope.db, flag.id, {
      cleared_time: clearance.time,
      cleared_by: clearance.by,
      cleared_actor: clearance.actor,
      cleared_reason: clearance.reason,
    });
    const closed = { ...flag, cleared: clearance };
    scope.audit({
      action: 'revalidation_flag.clear',
      entityKind: 'revalidation_flag',
      entityId: flag.id,
      state: closed,
    });
    return closed;
  }

  /** A version's flags: open ones, or its whole history. */
  async flagsOf(
    name: string,
    version: string | number,
    options: { includeCleared?: boolean } = {},
  ): Promise<RevalidationFlag[]> {
    const number = parseVersionNumber(version);
    const db = this.deps.store.db;
    const model = await requireModel(db, name);
    await requireVersion(db, model, number);
    const rows = await flags.flagRowsOf(db, model.model_id, number, { openOnly: !options.includeCleared });
    return rows.map((row) => flags.flagOf(row, model.name));
  }

  /** Flags of the models the caller may read, newest first; one model's when `model` names it. */
  async list(input: {
    visible: ReadableSet;
    model?: string | undefined;
    includeCleared?: boolean | undefined;
    maxResults?: number | undefined;
  }): Promise<RevalidationFlag[]> {
    const limit = input.maxResults ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST) {
      throw invalid(`maxResults must be an integer from 1 to ${MAX_LIST}`);
    }
    const db = this.deps.store.db;
    let modelIds: string[] | undefined = input.visible.kind === 'only' ? input.visible.ids : undefined;
    if (input.model !== undefined) {
      // An unknown model and one the caller may not read answer alike: an empty list.
      const model = await findModelRow(db, input.model);
      modelIds = model && (modelIds === undefined || modelIds.includes(model.model_id)) ? [model.model_id] : [];
    }
    const rows = await flags.listFlagRows(db, {
      ...(modelIds === undefined ? {} : { modelIds }),
      ...(input.visible.kind === 'allExcept' ? { excludeModelIds: input.visible.ids } : {}),
      includeCleared: input.includeCleared ?? false,
      limit,
    });
    const names = new Map<string, string>();
    const result: RevalidationFlag[] = [];
    for (const row of rows) {
      if (!names.has(row.model_id)) names.set(row.model_id, (await findModelNameById(db, row.model_id)) ?? '');
      result.push(flags.flagOf(row, names.get(row.model_id)!));
    }
    return result;
  }

  /** Whether the version has an open flag; what policies read as `version.needs_revalidation`. */
  needsRevalidation(db: Executor, modelId: string, version: number): Promise<boolean> {
    return flags.hasOpenFlag(db, modelId, version);
  }

  private queriesOver(db: Executor): LineageQueryService {
    const store: Store = { db, dialect: this.deps.store.dialect, close: async () => {} };
    return new LineageQueryService({ store, unitOfWork: this.deps.unitOfWork, now: this.deps.now });
  }
}
