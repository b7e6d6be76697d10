import { api } from '../../api/client.js';
import { queryKeys } from '../../api/queries.js';
import { ErrorMessage, Loading } from '../../components/states.js';
import { TokenManager } from '../../components/TokenManager.js';
import { useApiQuery } from '../../lib/use-api-query.js';

/** Everyone's API tokens, for administrators. */
export function TokensPage() {
  const users = useApiQuery(queryKeys.users(), (signal) => api.users(signal));
  if (users.error) return <ErrorMessage error={users.error} onRetry={users.reload} />;
  if (!users.data) return <Loading label="Loading users…" />;
  return <TokenManager users={users.data.users.map((user) => user.name)} />;
}
