import { useCurrentUser } from '../api/session.js';
import { Empty } from '../components/states.js';
import { TokenManager } from '../components/TokenManager.js';

/** The signed-in user's own API tokens. */
export function MyTokensPage() {
  const user = useCurrentUser();
  return (
    <div className="page">
      <div className="page-header">
        <h1>My tokens</h1>
      </div>
      {user ? (
        <TokenManager />
      ) : (
        <Empty title="This server does not check who calls it">
          <p>Clients need no token here.</p>
        </Empty>
      )}
    </div>
  );
}
