import { Link, useLocation } from 'react-router-dom';

export function NotFoundPage() {
  const location = useLocation();
  return (
    <div className="page">
      <div className="state state-empty">
        <strong>Page not found</strong>
        <p>
          Nothing lives at <code>{location.pathname}</code>.
        </p>
        <Link to="/">Back to experiments</Link>
      </div>
    </div>
  );
}
