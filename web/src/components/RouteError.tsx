import { Link, useRouteError } from 'react-router-dom';

/** Last line of defence: a rendering failure shows what happened and a way back, never a blank page. */
export function RouteError() {
  const error = useRouteError();
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="page">
      <div className="state state-error" role="alert">
        <strong>This view failed to render</strong>
        <p className="mono">{message}</p>
        <p>
          <Link to="/">Back to experiments</Link> or reload the page.
        </p>
      </div>
    </div>
  );
}
