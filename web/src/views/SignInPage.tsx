import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router-dom';
import { ApiError, api } from '../api/client.js';
import { switchSession, useSession } from '../api/session.js';
import { ErrorMessage, Loading } from '../components/states.js';
import { afterSignIn } from '../lib/sign-in-target.js';

/** Sign in with a user name and password, or through the organisation's single sign-on when the server has one. */
export function SignInPage() {
  const [params] = useSearchParams();
  const next = afterSignIn(params.get('next'));
  const session = useSession();
  const client = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  if (session.error) return <ErrorMessage error={session.error} onRetry={() => void session.refetch()} />;
  if (!session.data) return <Loading label="Loading…" />;
  // Nothing to sign in to, or already signed in: straight on to where the user was going.
  if (!session.data.authEnabled || session.data.user) return <Navigate to={next} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const signedIn = await api.login(username, password);
      switchSession(client, () => signedIn);
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 401
          ? 'The user name or password is wrong, or the account is deactivated.'
          : caught instanceof Error
            ? caught.message
            : String(caught),
      );
      setBusy(false);
    }
  };

  return (
    <div className="sign-in">
      <form className="sign-in-card" onSubmit={submit} aria-label="Sign in">
        <h1>
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>{' '}
          Sign in to Mnemo
        </h1>
        <label>
          User name
          <input
            type="text"
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {session.data.ssoEnabled && (
          <>
            <div className="sign-in-or muted small">or</div>
            <a className="button sso-button" href={`/api/v1/auth/sso/start?next=${encodeURIComponent(next)}`}>
              Sign in with SSO
            </a>
          </>
        )}
      </form>
    </div>
  );
}
