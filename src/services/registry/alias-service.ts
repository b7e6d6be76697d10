import { notFound } from '../../domain/errors.js';
import { validateAlias } from '../../domain/registry/aliases.js';
import type { TransitionRequest } from '../../domain/registry/approvals/transition-request.js';
import type { ModelVersion } from '../../domain/registry/entities.js';
import { checkOverride } from '../../domain/registry/model-card.js';
import { updateModelRow } from '../../store/repositories/registry/model-repository.js';
import * as versions from '../../store/repositories/registry/version-repository.js';
import type { RegisteredModelsTable } from '../../store/schema-registry.js';
import { SensitiveRegistryValues } from '../encryption/sensitive-registry-values.js';
import { SensitiveValues } from '../encryption/sensitive-values.js';
import { refusalsRecorded } from '../governance/promotion-guard.js';
import type { WriteScope } from '../unit-of-work.js';
import { ApprovalRequiredError } from './approvals/approval-required.js';
import type { ApplyingRequest, ApprovalService } from './approvals/approval-service.js';
import { parseVersionNumber, requireModel, requireVersion } from './model-lookup.js';
import { type RegistryDeps, registryWrite } from './registry-deps.js';

/** Aliases (`champion`, `challenger`): a movable name for one live version of a model. */
export class AliasService {
  constructor(
    private readonly deps: RegistryDeps,
    /** Turns moves of protected aliases into transition requests. */
    private readonly gate?: Pick<ApprovalService, 'intercept'>,
  ) {
    this.values = new SensitiveRegistryValues(deps.sensitive ?? new SensitiveValues());
  }

  private readonly values: SensitiveRegistryValues;

  /** `override`: an administrator's break-glass past failed policies, recorded by the guard. */
  async set(
    name: string,
    alias: string,
    version: string | number,
    options: { override?: { reason: string } | undefined } = {},
  ): Promise<ModelVersion> {
    validateAlias(alias);
    const number = parseVersionNumber(version);
    if (options.override !== undefined) checkOverride(options.override);
    const outcome = await refusalsRecorded(
      this.deps.promotionGuard,
      registryWrite(
        this.deps,
        async (scope): Promise<{ requested: TransitionRequest } | { moved: ModelVersion }> => {
          const model = await requireModel(scope.db, name);
          await requireVersion(scope.db, model, number);
          const requested = await this.gate?.intercept(scope, {
            model,
            version: number,
            target: { alias },
            archiveExistingVersions: false,
            reason: null,
          });
          if (requested) return { requested };
          await this.deps.promotionGuard?.check(scope, {
            model,
            version: number,
            target: { alias },
            override: options.override,
          });
          return { moved: await this.apply(scope, model, alias, number) };
        },
        (result) =>
          'moved' in result
            ? [{ kind: 'model_version_alias.created', name: result.moved.name, alias, version: result.moved.version }]
            : [],
      ),
    );
    // Thrown after the write committed: the request it made is kept.
    if ('requested' in outcome) throw new ApprovalRequiredError(outcome.requested);
    return outcome.moved;
  }

  /** Points the alias as a decided transition request asks, inside the write that decided it. */
  async applyApproved(
    scope: WriteScope,
    name: string,
    alias: string,
    version: number,
    applying: ApplyingRequest,
  ): Promise<ModelVersion> {
    const model = await requireModel(scope.db, name);
    await requireVersion(scope.db, model, version);
    await this.deps.promotionGuard?.check(scope, {
      model,
      version,
      target: { alias },
      override: applying.override,
    });
    const moved = await this.apply(scope, model, alias, version);
    await this.deps.stageEvents?.(scope, [{ kind: 'model_version_alias.created', name: moved.name, alias, version }]);
    return moved;
  }

  private async apply(
    { db, audit }: WriteScope,
    model: RegisteredModelsTable,
    alias: string,
    number: number,
  ): Promise<ModelVersion> {
    const row = await requireVersion(db, model, number);
    await versions.setAlias(db, model.model_id, alias, number);
    const now = this.deps.now();
    await updateModelRow(db, model.model_id, { last_updated_time: now });
    audit({
      action: 'registered_model.set_alias',
      entityKind: 'registered_model',
      entityId: model.model_id,
      state: { name: model.name, alias, version: number, lastUpdatedTime: now },
    });
    const moved = (await versions.hydrateVersions(db, [row], () => model.name))[0]!;
    return this.values.open({ modelId: model.model_id, version: number }, moved);
  }

  async delete(name: string, alias: string): Promise<void> {
    await registryWrite(
      this.deps,
      async ({ db, audit }) => {
        const model = await requireModel(db, name);
        if (!(await versions.deleteAlias(db, model.model_id, alias))) {
          throw notFound(`Registered model '${model.name}' has no alias '${alias}'`);
        }
        const now = this.deps.now();
        await updateModelRow(db, model.model_id, { last_updated_time: now });
        audit({
          action: 'registered_model.delete_alias',
          entityKind: 'registered_model',
          entityId: model.model_id,
          state: { name: model.name, alias, deleted: true, lastUpdatedTime: now },
        });
        return model.name;
      },
      (modelName) => [{ kind: 'model_version_alias.deleted', name: modelName, alias }],
    );
  }

  async resolve(name: string, alias: string): Promise<ModelVersion> {
    const db = this.deps.store.db;
    const model = await requireModel(db, name);
    const number = await versions.findAlias(db, model.model_id, alias);
    if (number === undefined) throw notFound(`Registered model '${model.name}' has no alias '${alias}'`);
    const row = await requireVersion(db, model, number);
    const resolved = (await versions.hydrateVersions(db, [row], () => model.name))[0]!;
    return this.values.open({ modelId: model.model_id, version: number }, resolved);
  }
}
