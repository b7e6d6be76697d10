import { type FormEvent, useState } from 'react';
import { api } from '../../api/client.js';
import { queryKeys } from '../../api/queries.js';
import { useCurrentUser } from '../../api/session.js';
import { ErrorMessage, Loading } from '../../components/states.js';
import { formatTime } from '../../lib/format.js';
import { useAction } from '../../lib/use-action.js';
import { useApiQuery } from '../../lib/use-api-query.js';

/** Every user and service account: create one (a password is optional: SSO users and robots have none), deactivate. */
export function UsersPage() {
  const me = useCurrentUser();
  const users = useApiQuery(queryKeys.users(), (signal) => api.users(signal));
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [admin, setAdmin] = useState(false);
  const create = useAction(
    () =>
      api.createUser({
        name: name.trim(),
        ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
        ...(password ? { password } : {}),
        ...(admin ? { admin: true } : {}),
      }),
    [queryKeys.users()],
  );
  const setActive = useAction((user: string, active: boolean) => api.setUserActive(user, active), [queryKeys.users()]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await create.run()) {
      setName('');
      setDisplayName('');
      setPassword('');
      setAdmin(false);
    }
  };

  return (
    <section>
      <form className="admin-form" onSubmit={submit} aria-label="Create a user">
        <input
          type="text"
          placeholder="User name"
          aria-label="User name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <input
          type="text"
          placeholder="Display name (optional)"
          aria-label="Display name"
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
        />
        <input
          type="password"
          placeholder="Password (optional)"
          aria-label="Password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <label className="check">
          <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.target.checked)} /> Administrator
        </label>
        <button type="submit" className="primary" disabled={create.busy || name.trim() === ''}>
          Create user
        </button>
      </form>
      {(create.error || setActive.error) && (
        <p className="form-error" role="alert">
          {create.error ?? setActive.error}
        </p>
      )}
      {users.error ? (
        <ErrorMessage error={users.error} onRetry={users.reload} />
      ) : !users.data ? (
        <Loading label="Loading users…" />
      ) : (
        <table className="data-table" data-testid="users-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Teams</th>
              <th>Signs in with</th>
              <th>Last sign-in</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.data.users.map((user) => (
              <tr key={user.id} data-user={user.name}>
                <td>
                  <strong>{user.name}</strong>
                  {user.displayName && <span className="muted"> · {user.displayName}</span>}
                  {user.isAdmin && <span className="badge">admin</span>}
                </td>
                <td>{user.kind === 'service' ? 'service account' : 'user'}</td>
                <td>{user.teams.join(', ') || <span className="muted">—</span>}</td>
                <td>{[user.hasPassword && 'password', user.sso && 'SSO', 'tokens'].filter(Boolean).join(', ')}</td>
                <td>{formatTime(user.lastLoginTime)}</td>
                <td>{user.active ? 'active' : <span className="badge badge-deleted">deactivated</span>}</td>
                <td>
                  <button
                    type="button"
                    disabled={setActive.busy || user.name === me?.name}
                    title={user.name === me?.name ? 'You cannot deactivate yourself' : undefined}
                    onClick={() => void setActive.run(user.name, !user.active)}
                  >
                    {user.active ? 'Deactivate' : 'Activate'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
