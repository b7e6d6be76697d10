import { NavLink, Outlet } from 'react-router-dom';
import { useCurrentUser } from '../../api/session.js';

const SECTIONS = [
  ['users', 'Users'],
  ['teams', 'Teams'],
  ['tokens', 'Tokens'],
  ['permissions', 'Permissions'],
] as const;

/** The administration pages: only administrators see them (the top bar does not offer them to anyone else). */
export function AdminLayout() {
  const user = useCurrentUser();
  if (!user?.isAdmin) {
    return (
      <div className="page">
        <div className="state state-error" role="alert" data-testid="permission-denied">
          <strong>You don't have permission to see this</strong>
          <p>Only administrators manage users, teams, tokens and permissions.</p>
        </div>
      </div>
    );
  }
  return (
    <div className="page">
      <div className="page-header">
        <h1>Administration</h1>
      </div>
      <div className="tabs" role="tablist">
        {SECTIONS.map(([path, label]) => (
          <NavLink key={path} to={`/admin/${path}`} role="tab" className={({ isActive }) => (isActive ? 'active' : '')}>
            {label}
          </NavLink>
        ))}
      </div>
      <Outlet />
    </div>
  );
}
