import { OVERALL_SLICE } from '../../domain/dashboards/validation-coverage.js';
import { invalid } from '../../domain/errors.js';
import { CHECK_KINDS, type CheckKind, type CheckResult, type Evaluation } from '../../domain/registry/entities.js';
import { validateKey } from '../../domain/tracking/limits.js';
import type { RegistryEvent } from '../../domain/webhooks/registry-event.js';
import * as evaluations from '../../store/repositories/registry/evaluation-repository.js';
import { toJsonColumn } from '../../store/repositories/registry/json-column.js';
import type { RegisteredModelsTable } from '../../store/schema-registry.js';
import { newId } from '../ids.js';
import type { WriteScope } from '../unit-of-work.js';
import { parseVersionNumber, requireModel, requireVersion, versionEntityId } from './model-lookup.js';
import { type RegistryDeps, registryWrite } from './registry-deps.js';
import type { RevalidationService } from './revalidation-service.js';

export interface EvaluationInput {
  metric: string;
  value: number;
  /** The data slice the number was measured on, e.g. `all`, `country=DE`, `age<25`. */
  slice?: string | undefined;
  datasetVersion?: string | undefined;
}

export interface CheckInput {
  kind: string;
  name: string;
  passed: boolean;
  value?: number | undefined;
  threshold?: number | undefined;
  slice?: string | undefined;
  datasetVersion?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

/** Evaluation results per data slice, and fairness and drift check results, attached to a model version. */
export class EvaluationService {
  constructor(
    private readonly deps: RegistryDeps,
    /** Clears revalidation flags an evaluation answers; flags stay as they are when absent. */
    private readonly revalidation?: Pick<RevalidationService, 'clearByEvaluations'>,
  ) {}

  async record(name: string, version: string | number, results: EvaluationInput[]): Promise<Evaluation[]> {
    const number = parseVersionNumber(version);
    for (const result of results) {
      validateKey(result.metric, 'metric');
      if (!Number.isFinite(result.value)) throw invalid(`Value of metric '${result.metric}' must be a finite number`);
      checkLabel(result.slice, 'slice');
      checkLabel(result.datasetVersion, 'datasetVersion');
    }
    const now = this.deps.now();
    return registryWrite(this.deps, async (scope) => {
      const { db, audit } = scope;
      const model = await requireModel(db, name);
      await requireVersion(db, model, number);
      await evaluations.insertEvaluations(
        db,
        results.map((r) => ({
          evaluation_id: newId(),
          model_id: model.model_id,
          version: number,
          metric: r.metric,
          value: r.value,
          slice: r.slice ?? OVERALL_SLICE,
          dataset_version: r.datasetVersion ?? null,
          recorded_time: now,
        })),
      );
      const all = await evaluations.evaluationsOf(db, model.model_id, number);
      audit({
        action: 'model_version.record_evaluations',
        entityKind: 'model_version',
        entityId: versionEntityId(model, number),
        state: all,
      });
      await this.revalidation?.clearByEvaluations(
        scope,
        model,
        number,
        results.map((r) => r.datasetVersion ?? null),
      );
      return all;
    });
  }

  async list(name: string, version: string | number): Promise<Evaluation[]> {
    const number = parseVersionNumber(version);
    const db = this.deps.store.db;
    const model = await requireModel(db, name);
    await requireVersion(db, model, number);
    return evaluations.evaluationsOf(db, model.model_id, number);
  }

  async recordChecks(name: string, version: string | number, checks: CheckInput[]): Promise<CheckResult[]> {
    const number = parseVersionNumber(version);
    for (const check of checks) {
      if (!CHECK_KINDS.includes(check.kind as CheckKind)) {
        throw invalid(`Check kind '${check.kind}' is not one of ${CHECK_KINDS.join(', ')}`);
      }
      validateKey(check.name, 'check name');
      for (const [field, value] of [
        ['value', check.value],
        ['threshold', check.threshold],
      ] as const) {
        if (value !== undefined && !Number.isFinite(value)) throw invalid(`Check ${field} must be a finite number`);
      }
      checkLabel(check.slice, 'slice');
      checkLabel(check.datasetVersion, 'datasetVersion');
    }
    const now = this.deps.now();
    let flagged: RegistryEvent[] = [];
    return registryWrite(
      this.deps,
      async (scope) => {
        const { db, audit } = scope;
        const model = await requireModel(db, name);
        const versionRow = await requireVersion(db, model, number);
        await evaluations.insertChecks(
          db,
          checks.map((c) => ({
            check_id: newId(),
            model_id: model.model_id,
            version: number,
            kind: c.kind,
            name: c.name,
            passed: c.passed ? 1 : 0,
            value: c.value ?? null,
            threshold: c.threshold ?? null,
            slice: c.slice ?? null,
            dataset_version: c.datasetVersion ?? null,
            details: toJsonColumn(c.details ?? {}),
            recorded_time: now,
          })),
        );
        const all = await evaluations.checksOf(db, model.model_id, number);
        audit({
          action: 'model_version.record_checks',
          entityKind: 'model_version',
          entityId: versionEntityId(model, number),
          state: all,
        });
        const reasons = revalidationReasons(versionRow.stage, checks);
        if (reasons.length > 0) {
          flagged = [
            {
              kind: 'model_version.needs_revalidation',
              name: model.name,
              version: number,
              stage: versionRow.stage,
              reasons,
            },
          ];
          await this.tellManagers(scope, model, number, versionRow.stage, reasons);
        }
        return all;
      },
      () => flagged,
    );
  }

  /** The model's managers hear of a version in use that needs revalidating, in the write that flags it. */
  private async tellManagers(
    scope: WriteScope,
    model: RegisteredModelsTable,
    version: number,
    stage: string,
    reasons: string[],
  ): Promise<void> {
    if (!this.deps.notify || !this.deps.notificationRecipients) return;
    const recipients = await this.deps.notificationRecipients.managersOfModel(scope.db, model.model_id);
    await this.deps.notify(scope, {
      kind: 'needs_revalidation',
      recipients,
      subject: `${model.name} version ${version} (${stage}) needs revalidation`,
      body: `Checks recorded against ${model.name} version ${version}, in ${stage}, failed:\n${reasons
        .map((r) => `- ${r}`)
        .join('\n')}`,
      link: `/models/${encodeURIComponent(model.name)}/versions/${version}`,
      resource: { kind: 'model', name: model.name, version },
    });
  }

  async checks(name: string, version: string | number): Promise<CheckResult[]> {
    const number = parseVersionNumber(version);
    const db = this.deps.store.db;
    const model = await requireModel(db, name);
    await requireVersion(db, model, number);
    return evaluations.checksOf(db, model.model_id, number);
  }
}

/**
 * A version in use (Staging or Production) needs revalidating when a check recorded against it failed: what it was
 * promoted on no longer holds. Each failed check is a reason.
 */
function revalidationReasons(stage: string, checks: readonly CheckInput[]): string[] {
  if (stage !== 'Staging' && stage !== 'Production') return [];
  return checks
    .filter((c) => !c.passed)
    .map((c) => {
      const measured =
        c.value === undefined ? '' : ` (${c.value}${c.threshold === undefined ? '' : ` vs ${c.threshold}`})`;
      return `${c.kind} check ${c.name}${c.slice ? ` on ${c.slice}` : ''} failed${measured}`;
    });
}

function checkLabel(value: string | undefined, field: string): void {
  if (value !== undefined && (value === '' || value.length > 500)) {
    throw invalid(`${field} must be 1-500 characters`);
  }
}
