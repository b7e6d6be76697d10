import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client.js';
import { switchSession } from '../api/session.js';
import type { Session } from '../api/types.js';
import { Popover } from './Popover.js';

/** The signed-in user in the top bar: who it is, its own tokens, and signing out. */
export function UserMenu({ user }: { user: NonNullable<Session['user']> }) {
  const client = useQueryClient();
  const [error, setError] = useState<string>();
  const signOut = async () => {
    setError(undefined);
    try {
      await api.logout();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      return;
    }
    // Nothing read as this user may be shown to whoever signs in next. With no one signed in, the layout shows the
    // sign-in page, which returns to this page once someone signs in again.
    switchSession(client, (session) => session && { ...session, user: null, csrfToken: null });
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
