import type { Policy, PolicyRule, PolicyTarget } from '../../../domain/governance/policy.js';
import type { Stage } from '../../../domain/registry/stages.js';
import type { PoliciesTable } from '../../schema-registry.js';
import type { Executor } from '../../store.js';
import { fromJsonColumn, toJsonColumn } from './json-column.js';

export function toPolicy(row: PoliciesTable): Policy {
  const target: PolicyTarget =
    row.target_stage !== null ? { stage: row.target_stage as Stage } : { alias: row.target_alias ?? '' };
  return {
    name: row.name,
    version: Number(row.version),
    description: row.description,
    modelId: row.model_id,
    target,
    rules: fromJsonColumn<PolicyRule[]>(row.rules, []),
    creationTime: Number(row.creation_time),
    lastUpdatedTime: Number(row.last_updated_time),
  };
}

export function toPolicyRow(policy: Policy): PoliciesTable {
  return {
    name: policy.name,
    version: policy.version,
    description: policy.description,
    model_id: policy.modelId,
    target_stage: 'stage' in policy.target ? policy.target.stage : null,
    target_alias: 'alias' in policy.target ? policy.target.alias : null,
    rules: toJsonColumn(policy.rules),
    creation_time: policy.creationTime,
    last_updated_time: policy.lastUpdatedTime,
  };
}

export async function findPolicy(db: Executor, name: string): Promise<Policy | undefined> {
  const row = await db.selectFrom('policies').selectAll().where('name', '=', name).executeTakeFirst();
  return row ? toPolicy(row) : undefined;
}

/** Policies in name order; those of one model and the global ones when `modelId` is given. */
export async function listPolicies(db: Executor, filter: { modelId?: string | undefined } = {}): Promise<Policy[]> {
  let query = db.selectFrom('policies').selectAll().orderBy('name');
  if (filter.modelId !== undefined) {
    const modelId = filter.modelId;
    query = query.where((eb) => eb.or([eb('model_id', 'is', null), eb('model_id', '=', modelId)]));
  }
  return (await query.execute()).map(toPolicy);
}

/** Stores a policy's new version in place of its current one (a put is a whole replacement). */
export async function savePolicy(db: Executor, policy: Policy): Promise<void> {
  const row = toPolicyRow(policy);
  await db
    .insertInto('policies')
    .values(row)
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({
        version: row.version,
        description: row.description,
        model_id: row.model_id,
        target_stage: row.target_stage,
        target_alias: row.target_alias,
        rules: row.rules,
        last_updated_time: row.last_updated_time,
      }),
    )
    .execute();
}

export async function deletePolicy(db: Executor, name: string): Promise<boolean> {
  const result = await db.deleteFrom('policies').where('name', '=', name).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
