import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../api/client.js';
import { queryKeys } from '../api/queries.js';
import type { Session } from '../api/types.js';
import { Popover } from './Popover.js';

/** The signed-in user in the top bar: who it is, its own tokens, and signing out. */
export function UserMenu({ user }: { user: NonNullable<Session['user']> }) {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [error, setError] = useState<string>();
  const signOut = async () => {
    setError(undefined);
    try {
      await api.logout();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      return;
    }
    navigate('/sign-in', { replace: true });
    // Nothing read as this user may be shown to whoever signs in next.
    client.clear();
    client.setQueryData<Session>(
      queryKeys.session(),
      (session) => session && { ...session, user: null, csrfToken: null },
    );
  };
  return (
    <Popover
      testId="user-menu"
      label={
        <span className="user-name" title={user.name}>
          {user.displayName || user.name}
          {user.isAdmin && <span className="badge">admin</span>}
        </span>
      }
    >
      <div className="user-menu">
        <div className="muted small">
          Signed in as <strong>{user.name}</strong>
        </div>
        <Link to="/tokens">My tokens</Link>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </Popover>
  );
}
