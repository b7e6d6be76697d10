import { auditedRegistryRecord } from '../../domain/encryption/sealed-registry-values.js';
import { notFound } from '../../domain/errors.js';
import type { TransitionRequest } from '../../domain/registry/approvals/transition-request.js';
import type { ModelVersion, StageTransition } from '../../domain/registry/entities.js';
import { checkOverride, checkText } from '../../domain/registry/model-card.js';
import { latestPerStage, parseStage, planTransition, type Stage } from '../../domain/registry/stages.js';
import type { RegistryEvent } from '../../domain/webhooks/registry-event.js';
import { updateModelRow } from '../../store/repositories/registry/model-repository.js';
import { recordTransitions, transitionHistory } from '../../store/repositories/registry/transition-repository.js';
import * as versions from '../../store/repositories/registry/version-repository.js';
import type { RegisteredModelsTable } from '../../store/schema-registry.js';
import { SensitiveRegistryValues } from '../encryption/sensitive-registry-values.js';
import { SensitiveValues } from '../encryption/sensitive-values.js';
import { refusalsRecorded } from '../governance/promotion-guard.js';
import { newId } from '../ids.js';
import { currentContext } from '../request-context.js';
import type { WriteScope } from '../unit-of-work.js';
import { ApprovalRequiredError } from './approvals/approval-required.js';
import type { ApplyingRequest, ApprovalService } from './approvals/approval-service.js';
import { parseVersionNumber, requireModel, requireVersion, versionEntityId } from './model-lookup.js';
import { type RegistryDeps, registryWrite } from './registry-deps.js';

export interface TransitionInput {
  name: string;
  version: string | number;
  stage: string;
  archiveExistingVersions?: boolean | undefined;
  reason?: string | undefined;
  /** An administrator's break-glass past failed policies; the guard records it with the failures it let through. */
  override?: { reason: string } | undefined;
}

/**
 * Stage transitions (None → Staging → Production → Archived, in any order) with MLflow's
 * `archive_existing_versions`, each recorded in the version's status history with who did it and when.
 */
export class StageService {
  constructor(
    private readonly deps: RegistryDeps,
    /** Turns moves to protected stages into transition requests. */
    private readonly gate?: Pick<ApprovalService, 'intercept'>,
  ) {
    this.values = new SensitiveRegistryValues(deps.sensitive ?? new SensitiveValues());
  }

  private readonly values: SensitiveRegistryValues;

  async transition(input: TransitionInput): Promise<ModelVersion> {
    const stage = parseStage(input.stage);
    const number = parseVersionNumber(input.version);
    if (input.reason !== undefined) checkText(input.reason, 'reason', 5000);
    if (input.override !== undefined) checkOverride(input.override);
    let moved: RegistryEvent[] = [];
    const outcome = await refusalsRecorded(
      this.deps.promotionGuard,
      registryWrite(
        this.deps,
        async (scope): Promise<{ requested: TransitionRequest } | { moved: ModelVersion }> => {
          const model = await requireModel(scope.db, input.name);
          await requireVersion(scope.db, model, number);
          const requested = await this.gate?.intercept(scope, {
            model,
            version: number,
            target: { stage },
            archiveExistingVersions: input.archiveExistingVersions ?? false,
            reason: input.reason ?? null,
          });
          if (requested) return { requested };
          await this.deps.promotionGuard?.check(scope, {
            model,
            version: number,
            target: { stage },
            override: input.override,
          });
          const applied = await this.apply(scope, model, number, stage, input, undefined);
          moved = applied.events;
          return { moved: applied.version };
        },
        () => moved,
      ),
    );
    // Thrown after the write committed: the request it made is kept.
    if ('requested' in outcome) throw new ApprovalRequiredError(outcome.requested);
    return outcome.moved;
  }

  /**
   * Applies a decided transition request inside the write that decided it; never intercepted again, but the target's
   * policies are checked as for any move (a break-glass carries the override the guard records).
   */
  async applyApproved(
    scope: WriteScope,
    input: { name: string; version: number; stage: string; archiveExistingVersions: boolean; reason: string | null },
    applying: ApplyingRequest,
  ): Promise<ModelVersion> {
    const model = await requireModel(scope.db, input.name);
    await requireVersion(scope.db, model, input.version);
    const stage = parseStage(input.stage);
    await this.deps.promotionGuard?.check(scope, {
      model,
      version: input.version,
      target: { stage },
      override: applying.override,
    });
    const applied = await this.apply(
      scope,
      model,
      input.version,
      stage,
      { ...input, reason: input.reason ?? undefined },
      applying,
    );
    if (applied.events.length > 0) await this.deps.stageEvents?.(scope, applied.events);
    return applied.version;
  }

  private async apply(
    { db, audit }: WriteScope,
    model: RegisteredModelsTable,
    number: number,
    stage: Stage,
    input: Pick<TransitionInput, 'archiveExistingVersions' | 'reason'>,
    applying: ApplyingRequest | undefined,
  ): Promise<{ version: ModelVersion; events: RegistryEvent[] }> {
    const actor = applying?.requester ?? currentContext().actor;
    const live = await versions.liveVersionRows(db, model.model_id);
    const changes = planTransition(
      live.map((row) => ({ version: Number(row.version), stage: row.stage })),
      number,
      stage,
      input.archiveExistingVersions ?? false,
    );
    const reasonOf = (version: number) =>
      version === number ? (input.reason ?? null) : `archived because version ${number} moved to ${stage}`;
    const events: RegistryEvent[] = changes
      .filter((change) => change.from !== change.to)
      .map((change) => ({
        kind: 'model_version.stage_changed',
        name: model.name,
        version: change.version,
        fromStage: change.from,
        toStage: change.to,
        actor,
        reason: reasonOf(change.version),
      }));
    const now = this.deps.now();
    for (const change of changes) {
      await versions.updateVersionRow(db, model.model_id, change.version, {
        stage: change.to,
        last_updated_time: now,
      });
    }
    await recordTransitions(
      db,
      changes.map((change) => ({
        transition_id: newId(),
        model_id: model.model_id,
        version: change.version,
        from_stage: change.from,
        to_stage: change.to,
        actor,
        reason: reasonOf(change.version),
        transition_time: now,
        ...(applying && change.version === number
          ? { request_id: applying.requestId, approved_by: JSON.stringify(applying.approvedBy) }
          : {}),
      })),
    );
    await updateModelRow(db, model.model_id, { last_updated_time: now });
    const updated = await versions.hydrateVersions(
      db,
      await Promise.all(changes.map((c) => requireVersion(db, model, c.version))),
      () => model.name,
    );
    for (const version of updated) {
      audit({
        action: 'model_version.transition_stage',
        entityKind: 'model_version',
        entityId: versionEntityId(model, version.version),
        state: auditedRegistryRecord(version),
      });
    }
    const moved = updated[0]!;
    return { version: this.values.open({ modelId: model.model_id, version: moved.version }, moved), events };
  }

  async history(name: string, version: string | number): Promise<StageTransition[]> {
    const number = parseVersionNumber(version);
    const db = this.deps.store.db;
    const model = await requireModel(db, name);
    // History stays readable after deletion: it is the record of what happened.
    if (!(await versions.findVersionRow(db, model.model_id, number))) {
      throw notFound(`Model Version (name=${model.name}, version=${number}) not found`);
    }
    return transitionHistory(db, model.model_id, model.name, number);
  }

  /** The newest version in each requested stage (all stages when none are named), as MLflow reports them. */
  async latest(name: string, stages: readonly string[] = []): Promise<ModelVersion[]> {
    const wanted = stages.map(parseStage);
    const db = this.deps.store.db;
    const model = await requireModel(db, name);
    const rows = await versions.liveVersionRows(db, model.model_id);
    const picked = latestPerStage(
      rows.map((row) => ({ row, version: Number(row.version), stage: row.stage })),
      wanted.length === 0 ? undefined : wanted,
    );
    const latest = await versions.hydrateVersions(
      db,
      picked.map((p) => p.row),
      () => model.name,
    );
    return latest.map((v) => this.values.open({ modelId: model.model_id, version: v.version }, v));
  }
}
