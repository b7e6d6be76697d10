import { Link, Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useSession } from '../api/session.js';
import { signInPath } from '../lib/sign-in-target.js';
import { useTheme } from '../lib/theme.js';
import { NotificationBell } from './NotificationBell.js';
import { SearchBox } from './SearchBox.js';
import { ErrorMessage, Loading } from './states.js';
import { UserMenu } from './UserMenu.js';

const THEME_LABEL = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' } as const;
const THEME_ICON = { system: '◐', light: '☀', dark: '☾' } as const;

export function Layout() {
  const [theme, cycleTheme] = useTheme();
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const user = session.data?.user ?? null;
  // A server that checks who calls it shows nothing to someone not signed in but the way to sign in.
  if (session.data?.authEnabled && !user) {
    return <Navigate to={signInPath(`${location.pathname}${location.search}`)} replace />;
  }
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          Mnemo
        </Link>
        <nav>
          <NavLink to="/" end>
            Experiments
          </NavLink>
          <NavLink to="/models">Models</NavLink>
          <NavLink to="/lineage">Lineage</NavLink>
          <NavLink to="/compare">Compare</NavLink>
          {user && <NavLink to="/requests">Requests</NavLink>}
          <NavLink to="/audit">Audit</NavLink>
          {user?.isAdmin && <NavLink to="/admin">Admin</NavLink>}
        </nav>
        <span className="spacer" />
        {session.data && location.pathname !== '/search' && (
          <SearchBox
            initial=""
            onSearch={(q) => navigate(q.trim() === '' ? '/search' : `/search?q=${encodeURIComponent(q)}`)}
            label="Search"
            className="topbar-search"
            testId="topbar-search"
          />
        )}
        <a href="/api/v1/openapi.json" className="muted small">
          API
        </a>
        <button
          type="button"
          className="icon-button"
          onClick={cycleTheme}
          title={THEME_LABEL[theme]}
          aria-label={THEME_LABEL[theme]}
          data-testid="theme-toggle"
        >
          {THEME_ICON[theme]}
        </button>
        {user && <NotificationBell />}
        {user && <UserMenu user={user} />}
      </header>
      <main className="content">
        {session.error ? (
          <div className="page">
            <ErrorMessage error={session.error} onRetry={() => void session.refetch()} />
          </div>
        ) : session.data ? (
          <Outlet />
        ) : (
          <Loading />
        )}
      </main>
    </div>
  );
}
