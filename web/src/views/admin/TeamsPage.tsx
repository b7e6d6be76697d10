import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api/client.js';
import { queryKeys } from '../../api/queries.js';
import type { Team } from '../../api/types.js';
import { Empty, ErrorMessage, Loading } from '../../components/states.js';
import { useAction } from '../../lib/use-action.js';
import { useApiQuery } from '../../lib/use-api-query.js';

/** Teams and their members: roles granted to a team apply to everyone in it. */
export function TeamsPage() {
  const teams = useApiQuery(queryKeys.teams(), (signal) => api.teams(signal));
  const users = useApiQuery(queryKeys.users(), (signal) => api.users(signal));
  const [name, setName] = useState('');
  // Team membership shows on the users page too.
  const changed = [queryKeys.teams(), queryKeys.users()];
  const create = useAction(() => api.createTeam(name.trim()), changed);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await create.run()) setName('');
  };

  return (
    <section>
      <form className="admin-form" onSubmit={submit} aria-label="Create a team">
        <input
          type="text"
          placeholder="Team name"
          aria-label="Team name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="primary" disabled={create.busy || name.trim() === ''}>
          Create team
        </button>
      </form>
      {create.error && (
        <p className="form-error" role="alert">
          {create.error}
        </p>
      )}
      {teams.error ? (
        <ErrorMessage error={teams.error} onRetry={teams.reload} />
      ) : !teams.data ? (
        <Loading label="Loading teams…" />
      ) : teams.data.teams.length === 0 ? (
        <Empty title="No teams yet">
          <p>Create one above, then add members and grant it roles on the Permissions page.</p>
        </Empty>
      ) : (
        teams.data.teams.map((team) => (
          <TeamCard key={team.id} team={team} userNames={users.data?.users.map((u) => u.name) ?? []} />
        ))
      )}
    </section>
  );
}

function TeamCard({ team, userNames }: { team: Team; userNames: string[] }) {
  const [member, setMember] = useState('');
  const changed = [queryKeys.teams(), queryKeys.users()];
  const add = useAction(() => api.addTeamMember(team.name, member), changed);
  const remove = useAction((user: string) => api.removeTeamMember(team.name, user), changed);
  const members = new Set(team.members.map((m) => m.name));
  const candidates = userNames.filter((name) => !members.has(name));
  return (
    <div className="admin-card" data-team={team.name}>
      <h3>
        {team.name}{' '}
        <Link
          className="small"
          to={`/teams/${encodeURIComponent(team.name)}/dashboard`}
          data-testid="team-dashboard-link"
        >
          Dashboard
        </Link>
      </h3>
      {team.members.length === 0 ? (
        <p className="muted">No members.</p>
      ) : (
        <ul className="member-list">
          {team.members.map((m) => (
            <li key={m.name} data-member={m.name}>
              {m.name}
              {m.maintainer && <span className="badge">maintainer</span>}
              <button
                type="button"
                className="link-button"
                disabled={remove.busy}
                onClick={() => void remove.run(m.name)}
              >
                remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="admin-form"
        aria-label={`Add a member to ${team.name}`}
        onSubmit={async (event) => {
          event.preventDefault();
          if (await add.run()) setMember('');
        }}
      >
        <select aria-label="User to add" value={member} onChange={(e) => setMember(e.target.value)}>
          <option value="">Add a member…</option>
          {candidates.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <button type="submit" disabled={add.busy || member === ''}>
          Add
        </button>
      </form>
      {(add.error || remove.error) && (
        <p className="form-error" role="alert">
          {add.error ?? remove.error}
        </p>
      )}
    </div>
  );
}
