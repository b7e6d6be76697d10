import { notFound } from '../../../domain/errors.js';
import { type ProtectionRule, validateProtection } from '../../../domain/registry/approvals/protection.js';
import type { Stage } from '../../../domain/registry/stages.js';
import * as approvals from '../../../store/repositories/registry/approval-repository.js';
import { fromJsonColumn, toJsonColumn } from '../../../store/repositories/registry/json-column.js';
import type { RegisteredModelsTable } from '../../../store/schema-registry.js';
import type { Executor } from '../../../store/store.js';
import { requireModel } from '../model-lookup.js';
import { type RegistryDeps, registryWrite } from '../registry-deps.js';

/** A model's protection as it applies: its own rule, or the server's default when it has none. */
export interface EffectiveProtection extends ProtectionRule {
  name: string;
  source: 'model' | 'server';
}

export interface ProtectionInput {
  stages?: string[] | undefined;
  aliases?: string[] | undefined;
  approvals?: number | undefined;
  teams?: string[] | undefined;
}

/**
 * Which stages and aliases of each registered model need approval. A model's own rule replaces the server's
 * default (`--protect-stages`) whole, so a model can also be protected less than the default, down to nothing.
 */
export class ProtectionService {
  constructor(
    private readonly deps: RegistryDeps,
    private readonly serverDefault: ProtectionRule,
  ) {}

  async get(name: string): Promise<EffectiveProtection> {
    const db = this.deps.store.db;
    return this.effective(db, await requireModel(db, name));
  }

  async effective(db: Executor, model: RegisteredModelsTable): Promise<EffectiveProtection> {
    const row = await approvals.findProtectionRow(db, model.model_id);
    if (!row) return { name: model.name, source: 'server', ...this.serverDefault };
    return {
      name: model.name,
      source: 'model',
      stages: fromJsonColumn<Stage[]>(row.stages, []),
      aliases: fromJsonColumn<string[]>(row.aliases, []),
      approvals: row.approvals,
      teams: fromJsonColumn<string[]>(row.teams, []),
    };
  }

  async put(name: string, input: ProtectionInput): Promise<EffectiveProtection> {
    const rule = validateProtection(input);
    const now = this.deps.now();
    return registryWrite(this.deps, async ({ db, audit }) => {
      const model = await requireModel(db, name);
      const known = await approvals.existingTeamNames(db, rule.teams);
      const unknown = rule.teams.filter((team) => !known.has(team));
      if (unknown.length > 0) throw notFound(`No team named ${unknown.map((t) => `'${t}'`).join(', ')}`);
      const stored = await approvals.upsertProtectionRow(db, {
        model_id: model.model_id,
        stages: toJsonColumn(rule.stages),
        aliases: toJsonColumn(rule.aliases),
        approvals: rule.approvals,
        teams: toJsonColumn(rule.teams),
        creation_time: now,
        last_updated_time: now,
      });
      audit({
        action: 'protection_rule.put',
        entityKind: 'protection_rule',
        entityId: model.model_id,
        state: {
          name: model.name,
          ...rule,
          creationTime: Number(stored.creation_time),
          lastUpdatedTime: now,
        },
      });
      return { name: model.name, source: 'model' as const, ...rule };
    });
  }

  /** Drops a model's own rule: the server's default applies to it again. */
  async remove(name: string): Promise<EffectiveProtection> {
    return registryWrite(this.deps, async ({ db, audit }) => {
      const model = await requireModel(db, name);
      if (!(await approvals.deleteProtectionRow(db, model.model_id))) {
        throw notFound(`Registered model '${model.name}' has no protection rule of its own`);
      }
      audit({
        action: 'protection_rule.delete',
        entityKind: 'protection_rule',
        entityId: model.model_id,
        state: { deleted: true },
      });
      return { name: model.name, source: 'server' as const, ...this.serverDefault };
    });
  }
}
