import type {
  BindingResourceKind,
  BindingSubjectKind,
  RestrictableKind,
  RoleName,
} from '../../domain/access/access-types.js';
import { notFound } from '../../domain/errors.js';
import { parseMarquezName } from '../../domain/lineage/node-names.js';
import { findPrincipalByName, listPrincipalRows } from '../../store/repositories/access/principal-repository.js';
import {
  deleteRoleBinding,
  listRoleBindings,
  restrictedIds,
  setRestricted,
  upsertRoleBinding,
} from '../../store/repositories/access/role-binding-repository.js';
import { findTeamByName, listTeamRows } from '../../store/repositories/access/team-repository.js';
import { findExperimentRow } from '../../store/repositories/experiment-repository.js';
import { datasetNamesById, findDatasetsNamed } from '../../store/repositories/lineage/dataset-version-repository.js';
import { findModelRow, modelNamesById } from '../../store/repositories/registry/model-repository.js';
import type { RoleBindingsTable } from '../../store/schema-access.js';
import type { Executor, Store } from '../../store/store.js';
import { currentContext } from '../request-context.js';
import type { UnitOfWork, WriteScope } from '../unit-of-work.js';
import { restrictionEntityId, roleBindingAuditState, roleBindingEntityId } from './access-audit-states.js';

export interface BindingTarget {
  subject: { kind: BindingSubjectKind; name: string };
  resource: { kind: BindingResourceKind; id: string };
}

export interface BindingView {
  role: RoleName;
  subject: { kind: BindingSubjectKind; name: string };
  resource: { kind: BindingResourceKind; id: string };
  createdTime: number;
}

/** Role bindings (grants) and restricted resources. Every change is an audit event. */
export class PermissionService {
  constructor(
    private readonly store: Store,
    private readonly unitOfWork: UnitOfWork,
    private readonly now: () => number,
  ) {}

  async grant(role: RoleName, target: BindingTarget): Promise<BindingView> {
    return this.unitOfWork.write(async (scope) => {
      const row: RoleBindingsTable = {
        ...(await keyOf(scope.db, target)),
        role,
        created_time: this.now(),
      };
      await upsertRoleBinding(scope.db, row);
      recordBinding(scope, 'permission.grant', row);
      return { role, subject: target.subject, resource: target.resource, createdTime: row.created_time };
    });
  }

  async revoke(target: BindingTarget): Promise<void> {
    await this.unitOfWork.write(async (scope) => {
      const key = await keyOf(scope.db, target);
      if ((await deleteRoleBinding(scope.db, key)) === 0) {
        throw notFound(`${target.subject.kind} '${target.subject.name}' holds no role on that resource`);
      }
      scope.audit({
        action: 'permission.revoke',
        entityKind: 'role_binding',
        entityId: roleBindingEntityId(key),
        state: { deleted: true },
      });
    });
  }

  async list(): Promise<BindingView[]> {
    const [rows, principals, teams, models] = await Promise.all([
      listRoleBindings(this.store.db),
      listPrincipalRows(this.store.db),
      listTeamRows(this.store.db),
      modelNamesById(this.store.db),
    ]);
    const datasets = await datasetNamesById(
      this.store.db,
      rows.filter((row) => row.resource_kind === 'dataset').map((row) => row.resource_id),
    );
    const shownId = (kind: BindingResourceKind, id: string) =>
      kind === 'model' ? (models.get(id) ?? id) : kind === 'dataset' ? (datasets.get(id) ?? id) : id;
    const userName = new Map(principals.map((p) => [p.principal_id, p.name]));
    const teamName = new Map(teams.map((t) => [t.team_id, t.name]));
    return rows.map((row) => ({
      role: row.role,
      subject: {
        kind: row.subject_kind,
        name: (row.subject_kind === 'user' ? userName : teamName).get(row.subject_id) ?? row.subject_id,
      },
      resource: {
        kind: row.resource_kind,
        id: shownId(row.resource_kind, row.resource_id),
      },
      createdTime: Number(row.created_time),
    }));
  }

  /** The restricted experiments (by id), registered models (by name) and datasets (by `<namespace>:<name>`). */
  async listRestricted(): Promise<{ kind: RestrictableKind; id: string }[]> {
    const [experiments, models, datasets, modelNames] = await Promise.all([
      restrictedIds(this.store.db, 'experiment'),
      restrictedIds(this.store.db, 'model'),
      restrictedIds(this.store.db, 'dataset'),
      modelNamesById(this.store.db),
    ]);
    const datasetNames = await datasetNamesById(this.store.db, datasets);
    return [
      ...experiments.map((id) => ({ kind: 'experiment' as const, id })),
      ...models.map((id) => ({ kind: 'model' as const, id: modelNames.get(id) ?? id })),
      ...datasets.map((id) => ({ kind: 'dataset' as const, id: datasetNames.get(id) ?? id })),
    ];
  }

  async restrict(kind: RestrictableKind, id: string, restricted: boolean): Promise<void> {
    await this.unitOfWork.write(async (scope) => {
      const resourceId = await resourceIdOf(scope.db, { kind, id });
      await setRestricted(scope.db, kind, resourceId, restricted, this.now());
      const entityId = restrictionEntityId({ resource_kind: kind, resource_id: resourceId });
      if (restricted) {
        scope.audit({
          action: 'resource.restrict',
          entityKind: 'restricted_resource',
          entityId,
          state: { resourceKind: kind, resourceId },
        });
      } else {
        scope.audit({
          action: 'resource.unrestrict',
          entityKind: 'restricted_resource',
          entityId,
          state: { deleted: true },
        });
      }
    });
  }
}

/**
 * Binds the caller who creates an experiment, registered model or dataset as its manager, inside the write that
 * created it, so the thing and its first grant are stored together. A server without authentication has no caller
 * to bind.
 */
export async function bindCreator(
  scope: WriteScope,
  kind: 'experiment' | 'model' | 'dataset',
  id: string,
  now: number,
): Promise<void> {
  const principalId = currentContext().principalId;
  if (!principalId) return;
  const row: RoleBindingsTable = {
    subject_kind: 'user',
    subject_id: principalId,
    resource_kind: kind,
    resource_id: id,
    role: 'manager',
    created_time: now,
  };
  await upsertRoleBinding(scope.db, row);
  recordBinding(scope, 'permission.grant', row);
}

function recordBinding(scope: WriteScope, action: 'permission.grant', row: RoleBindingsTable): void {
  scope.audit({
    action,
    entityKind: 'role_binding',
    entityId: roleBindingEntityId(row),
    state: roleBindingAuditState(row),
  });
}

async function keyOf(db: Executor, target: BindingTarget) {
  const subjectId =
    target.subject.kind === 'user'
      ? (await findPrincipalByName(db, target.subject.name))?.principal_id
      : (await findTeamByName(db, target.subject.name))?.team_id;
  if (!subjectId) throw notFound(`No ${target.subject.kind} named '${target.subject.name}'`);
  return {
    subject_kind: target.subject.kind,
    subject_id: subjectId,
    resource_kind: target.resource.kind,
    resource_id: await resourceIdOf(db, target.resource),
  } as const;
}

/**
 * Experiments are bound by id; registered models by their id too (given by name), so grants survive a rename; datasets
 * by their id, given as `<namespace>:<name>`.
 */
async function resourceIdOf(db: Executor, resource: { kind: BindingResourceKind | RestrictableKind; id: string }) {
  if (resource.kind === 'global') return '';
  if (resource.kind === 'experiment') {
    if (!(await findExperimentRow(db, resource.id))) throw notFound(`No experiment with id '${resource.id}'`);
    return resource.id;
  }
  if (resource.kind === 'model') {
    const model = await findModelRow(db, resource.id);
    if (!model) throw notFound(`No registered model named '${resource.id}'`);
    return model.model_id;
  }
  const pairs = parseMarquezName(`dataset:${resource.id}`)?.candidates ?? [];
  const [dataset] = await findDatasetsNamed(db, pairs);
  if (!dataset) throw notFound(`No dataset named '${resource.id}' (give it as <namespace>:<name>)`);
  return dataset.dataset_id;
}
