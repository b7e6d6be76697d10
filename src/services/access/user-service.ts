import type { PrincipalKind } from '../../domain/access/access-types.js';
import { principalNameProblem } from '../../domain/access/principal-name.js';
import { alreadyExists, invalid, notFound } from '../../domain/errors.js';
import type { AuditActionOf } from '../../domain/provenance/audit-events/catalog.js';
import {
  findPrincipalByName,
  insertPrincipalRow,
  listPrincipalRows,
  updatePrincipalRow,
} from '../../store/repositories/access/principal-repository.js';
import { revokeSessionsOf } from '../../store/repositories/access/session-repository.js';
import {
  deleteTeamMember,
  findTeamByName,
  insertTeamRow,
  listTeamMembers,
  listTeamRows,
  upsertTeamMember,
} from '../../store/repositories/access/team-repository.js';
import type { PrincipalsTable, TeamMembersTable } from '../../store/schema-access.js';
import type { Executor, Store } from '../../store/store.js';
import type { UnitOfWork, WriteScope } from '../unit-of-work.js';
import {
  principalAuditState,
  teamAuditState,
  teamMemberAuditState,
  teamMemberEntityId,
} from './access-audit-states.js';
import { hashPassword, randomId } from './credentials.js';

export interface NewUser {
  name: string;
  kind?: PrincipalKind;
  email?: string;
  displayName?: string;
  password?: string;
  admin?: boolean;
  teams?: string[];
}

export interface UserView {
  id: string;
  name: string;
  kind: PrincipalKind;
  email: string | null;
  displayName: string | null;
  isAdmin: boolean;
  active: boolean;
  hasPassword: boolean;
  sso: boolean;
  teams: string[];
  createdTime: number;
  lastLoginTime: number | null;
}

export interface TeamView {
  id: string;
  name: string;
  members: { name: string; maintainer: boolean }[];
  createdTime: number;
}

const MIN_PASSWORD_LENGTH = 8;

/** People, service accounts and teams. Every change is an audit event. */
export class UserService {
  constructor(
    private readonly store: Store,
    private readonly unitOfWork: UnitOfWork,
    private readonly now: () => number,
  ) {}

  async create(input: NewUser): Promise<UserView> {
    const problem = principalNameProblem(input.name);
    if (problem) throw invalid(problem);
    const kind = input.kind ?? 'user';
    if (kind === 'service' && input.password !== undefined) {
      throw invalid('A service account signs in with tokens only: it has no password');
    }
    if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
      throw invalid(`A password needs at least ${MIN_PASSWORD_LENGTH} characters`);
    }
    // Hashed before the write begins: scrypt takes tens of milliseconds, which the shared write queue should not wait for.
    const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
    const principalId = randomId(kind === 'service' ? 's-' : 'u-');
    await this.unitOfWork.write(async (scope) => {
      if (await findPrincipalByName(scope.db, input.name))
        throw alreadyExists(`A user named '${input.name}' already exists`);
      const row: PrincipalsTable = {
        principal_id: principalId,
        kind,
        name: input.name,
        email: input.email || null,
        display_name: input.displayName || null,
        password_hash: passwordHash,
        is_admin: input.admin ? 1 : 0,
        active: 1,
        oidc_subject: null,
        created_time: this.now(),
        last_login_time: null,
      };
      await insertPrincipalRow(scope.db, row);
      recordPrincipal(scope, 'principal.create', row);
      for (const team of input.teams ?? []) await this.join(scope, team, row.principal_id, false);
    });
    return this.get(input.name);
  }

  async get(name: string): Promise<UserView> {
    const all = await this.list();
    const found = all.find((user) => user.name === name);
    if (!found) throw notFound(`No user named '${name}'`);
    return found;
  }

  async list(): Promise<UserView[]> {
    const [rows, teams, members] = await Promise.all([
      listPrincipalRows(this.store.db),
      listTeamRows(this.store.db),
      listTeamMembers(this.store.db),
    ]);
    const teamName = new Map(teams.map((t) => [t.team_id, t.name]));
    return rows.map((row) => ({
      id: row.principal_id,
      name: row.name,
      kind: row.kind,
      email: row.email,
      displayName: row.display_name,
      isAdmin: row.is_admin === 1,
      active: row.active === 1,
      hasPassword: row.password_hash !== null,
      sso: row.oidc_subject !== null,
      teams: members
        .filter((m) => m.principalName === row.name)
        .map((m) => teamName.get(m.teamId) ?? m.teamId)
        .sort(),
      createdTime: Number(row.created_time),
      lastLoginTime: row.last_login_time === null ? null : Number(row.last_login_time),
    }));
  }

  /** Deactivated users keep their history but can no longer sign in; their tokens and sessions stop working. */
  async setActive(name: string, active: boolean): Promise<UserView> {
    await this.unitOfWork.write(async (scope) => {
      const row = await requirePrincipal(scope.db, name);
      if ((row.active === 1) === active) return;
      const now = this.now();
      await updatePrincipalRow(scope.db, row.principal_id, { active: active ? 1 : 0 });
      if (!active) await revokeSessionsOf(scope.db, row.principal_id, now);
      recordPrincipal(scope, active ? 'principal.activate' : 'principal.deactivate', {
        ...row,
        active: active ? 1 : 0,
      });
    });
    return this.get(name);
  }

  async setPassword(name: string, password: string): Promise<void> {
    if (password.length < MIN_PASSWORD_LENGTH)
      throw invalid(`A password needs at least ${MIN_PASSWORD_LENGTH} characters`);
    const passwordHash = await hashPassword(password);
    await this.unitOfWork.write(async (scope) => {
      const row = await requirePrincipal(scope.db, name);
      if (row.kind === 'service') throw invalid('A service account signs in with tokens only: it has no password');
      await updatePrincipalRow(scope.db, row.principal_id, { password_hash: passwordHash });
      recordPrincipal(scope, 'principal.password', { ...row, password_hash: passwordHash });
    });
  }

  async createTeam(name: string): Promise<TeamView> {
    const problem = principalNameProblem(name);
    if (problem) throw invalid(problem);
    await this.unitOfWork.write(async (scope) => {
      if (await findTeamByName(scope.db, name)) throw alreadyExists(`A team named '${name}' already exists`);
      const row = { team_id: randomId('t-'), name, created_time: this.now() };
      await insertTeamRow(scope.db, row);
      scope.audit({ action: 'team.create', entityKind: 'team', entityId: row.team_id, state: teamAuditState(row) });
    });
    return this.getTeam(name);
  }

  async addMember(teamName: string, userName: string, maintainer = false): Promise<TeamView> {
    await this.unitOfWork.write(async (scope) => {
      const user = await requirePrincipal(scope.db, userName);
      await this.join(scope, teamName, user.principal_id, maintainer);
    });
    return this.getTeam(teamName);
  }

  async removeMember(teamName: string, userName: string): Promise<TeamView> {
    await this.unitOfWork.write(async (scope) => {
      const team = await requireTeam(scope.db, teamName);
      const user = await requirePrincipal(scope.db, userName);
      if ((await deleteTeamMember(scope.db, team.team_id, user.principal_id)) === 0) {
        throw notFound(`'${userName}' is not a member of team '${teamName}'`);
      }
      const key = { team_id: team.team_id, principal_id: user.principal_id };
      scope.audit({
        action: 'team.member.remove',
        entityKind: 'team_member',
        entityId: teamMemberEntityId(key),
        state: { deleted: true },
      });
    });
    return this.getTeam(teamName);
  }

  async getTeam(name: string): Promise<TeamView> {
    const found = (await this.listTeams()).find((team) => team.name === name);
    if (!found) throw notFound(`No team named '${name}'`);
    return found;
  }

  async listTeams(): Promise<TeamView[]> {
    const [teams, members] = await Promise.all([listTeamRows(this.store.db), listTeamMembers(this.store.db)]);
    return teams.map((team) => ({
      id: team.team_id,
      name: team.name,
      members: members
        .filter((m) => m.teamId === team.team_id)
        .map((m) => ({ name: m.principalName, maintainer: m.isMaintainer })),
      createdTime: Number(team.created_time),
    }));
  }

  private async join(scope: WriteScope, teamName: string, principalId: string, maintainer: boolean): Promise<void> {
    const team = await requireTeam(scope.db, teamName);
    const row: TeamMembersTable = {
      team_id: team.team_id,
      principal_id: principalId,
      is_maintainer: maintainer ? 1 : 0,
    };
    await upsertTeamMember(scope.db, row);
    scope.audit({
      action: 'team.member.add',
      entityKind: 'team_member',
      entityId: teamMemberEntityId(row),
      state: teamMemberAuditState(row),
    });
  }
}

export function recordPrincipal(scope: WriteScope, action: AuditActionOf<'principal'>, row: PrincipalsTable): void {
  scope.audit({ action, entityKind: 'principal', entityId: row.principal_id, state: principalAuditState(row) });
}

export async function requirePrincipal(db: Executor, name: string): Promise<PrincipalsTable> {
  const row = await findPrincipalByName(db, name);
  if (!row) throw notFound(`No user or service account named '${name}'`);
  return row;
}

async function requireTeam(db: Executor, name: string) {
  const row = await findTeamByName(db, name);
  if (!row) throw notFound(`No team named '${name}'`);
  return row;
}
