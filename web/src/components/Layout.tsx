import { Link, NavLink, Outlet } from 'react-router-dom';
import { useTheme } from '../lib/theme.js';

const THEME_LABEL = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' } as const;
const THEME_ICON = { system: '◐', light: '☀', dark: '☾' } as const;

export function Layout() {
  const [theme, cycleTheme] = useTheme();
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
          <NavLink to="/compare">Compare</NavLink>
        </nav>
        <span className="spacer" />
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
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
