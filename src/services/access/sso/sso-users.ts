import type { SsoIdentity } from '../../../domain/access/sso-identity.js';
import { namesToTry } from '../../../domain/access/sso-identity.js';
import { teamMembershipChanges } from '../../../domain/access/team-sync.js';
import {
  findPrincipalByName,
  findPrincipalBySubject,
  insertPrincipalRow,
  teamIdsOf,
} from '../../../store/repositories/access/principal-repository.js';
import {
  deleteTeamMember,
  listTeamRows,
  upsertTeamMember,
} from '../../../store/repositories/access/team-repository.js';
import type { PrincipalsTable, TeamMembersTable } from '../../../store/schema-access.js';
import type { Executor, Store } from '../../../store/store.js';
import { identifyCaller } from '../../request-context.js';
import type { UnitOfWork, WriteScope } from '../../unit-of-work.js';
import { teamMemberAuditState, teamMemberEntityId } from '../access-audit-states.js';
import type { Authentication, Authenticator } from '../authenticator.js';
import { randomId } from '../credentials.js';
import { recordPrincipal } from '../user-service.js';

/**
 * The Mnemo user behind a provider's identity: created at the first sign-in, its team memberships brought in line
 * with the provider's groups at every sign-in (see team-sync.ts for which teams). Every change is an audit event,
 * as when an administrator makes it. A sign-in that changes nothing writes nothing, so a Bearer JWT sent with each
 * of many requests costs reads only.
 */
export class SsoUsers {
  constructor(
    private readonly store: Store,
    private readonly unitOfWork: UnitOfWork,
    private readonly authenticator: Authenticator,
    private readonly now: () => number,
  ) {}

  async signIn(identity: SsoIdentity): Promise<Authentication> {
    const known = await findPrincipalBySubject(this.store.db, identity.subject);
    // A deactivated user stays out, and their memberships stay as they were when they were deactivated.
    if (known && known.active !== 1) return { ok: false, reason: `the account '${known.name}' is deactivated` };
    if (!known || (await this.teamChanges(this.store.db, known.principal_id, identity.groups))) {
      // The user's own sign-in makes these changes: the audit log names them as the actor.
      const newId = randomId('u-');
      if (known) identifyCaller(known.name, known.principal_id);
      else identifyCaller(identity.name, newId);
      await this.unitOfWork.write((scope) => this.apply(scope, identity, newId));
    }
    const principalId = (await findPrincipalBySubject(this.store.db, identity.subject))?.principal_id;
    if (!principalId) return { ok: false, reason: 'the account could not be created' };
    const result = await this.authenticator.activePrincipal(principalId);
    return result.ok ? { ok: true, principal: { ...result.principal, via: 'oidc' } } : result;
  }

  private async apply(scope: WriteScope, identity: SsoIdentity, newId: string): Promise<void> {
    // Read again inside the write: another request (or replica) may have created the user in the meantime.
    let row = await findPrincipalBySubject(scope.db, identity.subject);
    if (!row) row = await this.create(scope, identity, newId);
    if (row.active !== 1) return;
    const changes = await this.teamChanges(scope.db, row.principal_id, identity.groups);
    if (!changes) return;
    const teamIdOf = new Map((await listTeamRows(scope.db)).map((team) => [team.name, team.team_id]));
    for (const name of changes.join) {
      const member: TeamMembersTable = {
        team_id: teamIdOf.get(name) as string,
        principal_id: row.principal_id,
        is_maintainer: 0,
      };
      await upsertTeamMember(scope.db, member);
      scope.audit({
        action: 'team.member.add',
        entityKind: 'team_member',
        entityId: teamMemberEntityId(member),
        state: teamMemberAuditState(member),
      });
    }
    for (const name of changes.leave) {
      const key = { team_id: teamIdOf.get(name) as string, principal_id: row.principal_id };
      await deleteTeamMember(scope.db, key.team_id, key.principal_id);
      scope.audit({
        action: 'team.member.remove',
        entityKind: 'team_member',
        entityId: teamMemberEntityId(key),
        state: { deleted: true },
      });
    }
  }

  private async create(scope: WriteScope, identity: SsoIdentity, principalId: string): Promise<PrincipalsTable> {
    let name: string | undefined;
    for (const candidate of namesToTry(identity.name)) {
      if (!(await findPrincipalByName(scope.db, candidate))) {
        name = candidate;
        break;
      }
    }
    if (name === undefined) throw new Error(`no free user name derived from '${identity.name}'`);
    const row: PrincipalsTable = {
      principal_id: principalId,
      kind: 'user',
      name,
      email: identity.email,
      display_name: identity.displayName,
      password_hash: null,
      is_admin: 0,
      active: 1,
      oidc_subject: identity.subject,
      created_time: this.now(),
      last_login_time: null,
    };
    await insertPrincipalRow(scope.db, row);
    recordPrincipal(scope, 'principal.create', row);
    return row;
  }

  /** The joins and leaves the listed groups call for, or undefined when there are none (or no groups claim). */
  private async teamChanges(db: Executor, principalId: string, groups: string[] | undefined) {
    if (groups === undefined) return undefined;
    const [teams, teamIds] = await Promise.all([listTeamRows(db), teamIdsOf(db, principalId)]);
    const nameOf = new Map(teams.map((team) => [team.team_id, team.name]));
    const current = teamIds.map((id) => nameOf.get(id) as string);
    const changes = teamMembershipChanges(current, groups, new Set(teams.map((team) => team.name)));
    return changes.join.length + changes.leave.length > 0 ? changes : undefined;
  }
}
