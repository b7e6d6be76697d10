import type { Principal } from '../../domain/access/principal.js';
import type { ReadableSet } from '../../domain/access/readable-set.js';
import {
  applyOwnerChange,
  checkOwnerChange,
  isUnowned,
  type OwnedKind,
  type OwnerChange,
  type OwnerIds,
  ownedAndReadable,
  ownerKey,
} from '../../domain/collaboration/ownership.js';
import { invalid, notFound } from '../../domain/errors.js';
import type { OwnerState } from '../../domain/provenance/audit-events/collaboration-states.js';
import { findPrincipalByName } from '../../store/repositories/access/principal-repository.js';
import { findTeamByName } from '../../store/repositories/access/team-repository.js';
import {
  activeUsersStartingWith,
  deleteOwners,
  entitiesOwnedBy,
  findOwners,
  namedOwnersOf,
  upsertOwners,
} from '../../store/repositories/collaboration/owner-repository.js';
import { findExperimentRow } from '../../store/repositories/experiment-repository.js';
import { datasetNamesById } from '../../store/repositories/lineage/dataset-version-repository.js';
import type { OwnersTable } from '../../store/schema-collaboration.js';
import type { Executor } from '../../store/store.js';
import type { ServiceDeps } from '../service-deps.js';

/** Owners by name, as the API answers them. */
export interface Owners {
  user: string | null;
  team: string | null;
}

const NOBODY: Owners = { user: null, team: null };
/** A mention box shows a handful of names; more would not help anyone pick. */
export const MAX_USER_SUGGESTIONS = 10;

/**
 * Who owns an experiment or a dataset: an active user, a team, or both, named when set and stored by id. Whoever may
 * edit the entity sets its owners (the route checks it); every change is audited with the owners it leaves.
 */
export class OwnerService {
  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'unitOfWork' | 'now'>) {}

  /** The owners of each of several entities of one kind; an entity nobody owns answers with both unset. */
  async ownersOf(kind: OwnedKind, entityIds: readonly string[]): Promise<Map<string, Owners>> {
    const rows = await namedOwnersOf(this.deps.store.db, kind, entityIds);
    const found = new Map(rows.map((r) => [r.entity_id, { user: r.owner_user_name, team: r.owner_team_name }]));
    return new Map(entityIds.map((id) => [id, found.get(id) ?? NOBODY]));
  }

  async owners(kind: OwnedKind, entityId: string): Promise<Owners> {
    await requireEntity(this.deps.store.db, kind, entityId);
    return (await this.ownersOf(kind, [entityId])).get(entityId) ?? NOBODY;
  }

  /** Sets or clears the owners of an entity; an owner named who is not an active user or a team is refused. */
  async set(caller: Principal, kind: OwnedKind, entityId: string, rawChange: OwnerChange): Promise<Owners> {
    const change = checkOwnerChange(rawChange);
    const key = ownerKey(kind, entityId);
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      await requireEntity(db, kind, entityId);
      const resolved = await resolveOwnerNames(db, change);
      const before = await findOwners(db, key);
      const current: OwnerIds = { userId: before?.owner_user_id ?? null, teamId: before?.owner_team_id ?? null };
      const next = applyOwnerChange(current, change, resolved);
      if (isUnowned(next)) {
        if (!before) return;
        await deleteOwners(db, key);
        audit({ action: 'owner.clear', entityKind: 'owner', entityId: key, state: { deleted: true } });
        return;
      }
      const row: OwnersTable = {
        owner_key: key,
        entity_kind: kind,
        entity_id: entityId,
        owner_user_id: next.userId,
        owner_team_id: next.teamId,
        updated_by: caller.name,
        updated_time: this.deps.now(),
      };
      await upsertOwners(db, row);
      audit({ action: 'owner.set', entityKind: 'owner', entityId: key, state: ownerStateOf(row) });
    });
    return this.owners(kind, entityId);
  }

  /**
   * What a list filtered by owner may show: the entities owned by the named user and/or team that are readable
   * anyway. An owner nobody has the name of owns nothing.
   */
  async ownedFilter(
    kind: OwnedKind,
    owner: { user?: string; team?: string },
    readable: ReadableSet,
  ): Promise<ReadableSet> {
    const db = this.deps.store.db;
    const user = owner.user === undefined ? undefined : await findPrincipalByName(db, owner.user);
    const team = owner.team === undefined ? undefined : await findTeamByName(db, owner.team);
    if ((owner.user !== undefined && !user) || (owner.team !== undefined && !team)) return { kind: 'only', ids: [] };
    const ids = await entitiesOwnedBy(db, kind, { userId: user?.principal_id, teamId: team?.team_id });
    return ownedAndReadable(readable, ids);
  }

  /** Active users whose name starts with `prefix`, for a mention box or an owner field to suggest. */
  async suggestUsers(prefix: string): Promise<{ name: string; displayName: string | null }[]> {
    const rows = await activeUsersStartingWith(this.deps.store.db, prefix, MAX_USER_SUGGESTIONS);
    return rows.map((r) => ({ name: r.name, displayName: r.display_name }));
  }
}

async function requireEntity(db: Executor, kind: OwnedKind, entityId: string): Promise<void> {
  const exists =
    kind === 'experiment'
      ? (await findExperimentRow(db, entityId)) !== undefined
      : (await datasetNamesById(db, [entityId])).has(entityId);
  if (!exists) throw notFound(`${kind === 'experiment' ? 'Experiment' : 'Dataset'} '${entityId}' does not exist`);
}

/** The ids of the owners a change names: an active user (not a service account) and an existing team. */
async function resolveOwnerNames(db: Executor, change: OwnerChange): Promise<{ userId?: string; teamId?: string }> {
  const resolved: { userId?: string; teamId?: string } = {};
  if (typeof change.user === 'string') {
    const user = await findPrincipalByName(db, change.user);
    if (!user || user.kind !== 'user' || user.active !== 1) throw invalid(`No active user is named '${change.user}'`);
    resolved.userId = user.principal_id;
  }
  if (typeof change.team === 'string') {
    const team = await findTeamByName(db, change.team);
    if (!team) throw invalid(`No team is named '${change.team}'`);
    resolved.teamId = team.team_id;
  }
  return resolved;
}

/** What the audit log records of an owners row; `mnemo audit verify` compares the row against it. */
export function ownerStateOf(row: OwnersTable): OwnerState {
  return {
    entityKind: row.entity_kind,
    entityId: row.entity_id,
    ownerUserId: row.owner_user_id,
    ownerTeamId: row.owner_team_id,
    updatedBy: row.updated_by,
    updatedTime: Number(row.updated_time),
  };
}
