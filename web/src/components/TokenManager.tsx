import { type FormEvent, useState } from 'react';
import { api } from '../api/client.js';
import { queryKeys } from '../api/queries.js';
import type { TokenInfo, TokenScope } from '../api/types.js';
import { formatTime } from '../lib/format.js';
import { useAction } from '../lib/use-action.js';
import { useApiQuery } from '../lib/use-api-query.js';
import { Empty, ErrorMessage, Loading } from './states.js';

const EVERYONE = '';
const LIFETIMES = [
  ['', 'Never expires'],
  ['7d', '7 days'],
  ['30d', '30 days'],
  ['90d', '90 days'],
] as const;

/**
 * API tokens: list, create (the secret is shown once, with a copy button) and revoke. Signed-in users manage their
 * own; administrators (`users` given) anyone's, or everyone's at once.
 */
export function TokenManager({ users }: { users?: string[] }) {
  const [owner, setOwner] = useState(EVERYONE);
  const admin = users !== undefined;
  const listed = admin ? owner : 'me';
  const tokens = useApiQuery(
    queryKeys.tokens(listed),
    async (signal) => {
      if (!admin) return (await api.tokens(undefined, signal)).tokens;
      const owners = owner === EVERYONE ? users : [owner];
      const lists = await Promise.all(owners.map(async (user) => (await api.tokens(user, signal)).tokens));
      return lists.flat().sort((a, b) => b.createdTime - a.createdTime);
    },
    { enabled: !admin || users.length > 0 },
  );
  const [name, setName] = useState('');
  const [expiresIn, setExpiresIn] = useState('');
  const [scope, setScope] = useState<TokenScope | ''>('');
  const [created, setCreated] = useState<{ token: string; info: TokenInfo }>();
  const create = useAction(
    async () =>
      setCreated(
        await api.createToken({
          ...(admin && owner !== EVERYONE ? { user: owner } : {}),
          ...(name.trim() ? { name: name.trim() } : {}),
          ...(expiresIn ? { expiresIn } : {}),
          ...(scope ? { scope } : {}),
        }),
      ),
    [['access', 'tokens']],
  );
  const revoke = useAction((id: string) => api.revokeToken(id), [['access', 'tokens']]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setCreated(undefined);
    if (await create.run()) setName('');
  };

  return (
    <section>
      {admin && (
        <div className="row-gap">
          <label>
            Tokens of{' '}
            <select aria-label="Tokens of" value={owner} onChange={(e) => setOwner(e.target.value)}>
              <option value={EVERYONE}>everyone</option>
              {users.map((user) => (
                <option key={user} value={user}>
                  {user}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      <form className="admin-form" onSubmit={submit} aria-label="Create a token">
        <input
          type="text"
          placeholder="Token name (optional)"
          aria-label="Token name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <select aria-label="Expires" value={expiresIn} onChange={(e) => setExpiresIn(e.target.value)}>
          {LIFETIMES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <select aria-label="Scope" value={scope} onChange={(e) => setScope(e.target.value as TokenScope | '')}>
          <option value="">Everything the owner may do</option>
          <option value="read">Read only</option>
          <option value="write">Read and write</option>
          {admin && <option value="admin">Administration</option>}
        </select>
        <button
          type="submit"
          className="primary"
          disabled={create.busy || (admin && owner === EVERYONE)}
          title={admin && owner === EVERYONE ? 'Choose whose token to create above' : undefined}
        >
          Create token{admin && owner !== EVERYONE ? ` for ${owner}` : ''}
        </button>
      </form>
      {created && <NewToken token={created.token} name={created.info.name} onDone={() => setCreated(undefined)} />}
      {(create.error || revoke.error) && (
        <p className="form-error" role="alert">
          {create.error ?? revoke.error}
        </p>
      )}
      {tokens.error ? (
        <ErrorMessage error={tokens.error} onRetry={tokens.reload} />
      ) : !tokens.data ? (
        <Loading label="Loading tokens…" />
      ) : tokens.data.length === 0 ? (
        <Empty title="No tokens">
          <p>A token lets a script or the MLflow client act as its owner (MLFLOW_TRACKING_TOKEN).</p>
        </Empty>
      ) : (
        <table className="data-table" data-testid="tokens-table">
          <thead>
            <tr>
              {admin && <th>Owner</th>}
              <th>Name</th>
              <th>Scope</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Last used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.data.map((token) => (
              <tr key={token.id} data-token={token.name}>
                {admin && <td>{token.user}</td>}
                <td>{token.name}</td>
                <td>{token.scope ?? 'all'}</td>
                <td>{formatTime(token.createdTime)}</td>
                <td>{token.expiresTime ? formatTime(token.expiresTime) : 'never'}</td>
                <td>{formatTime(token.lastUsedTime)}</td>
                <td>
                  {token.revokedTime ? (
                    <span className="badge badge-deleted">revoked</span>
                  ) : (
                    <button type="button" disabled={revoke.busy} onClick={() => void revoke.run(token.id)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A token just created: the only time its secret is shown. */
function NewToken({ token, name, onDone }: { token: string; name: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token);
      setCopied(true);
    } catch {
      // No clipboard access (an insecure origin): the field stays selected for a manual copy.
      (document.getElementById('new-token') as HTMLInputElement | null)?.select();
    }
  };
  return (
    <div className="notice new-token" role="status">
      <p>
        Token <strong>{name}</strong> created. Copy it now: it is not shown again.
      </p>
      <div className="row-gap">
        <input
          id="new-token"
          className="mono"
          readOnly
          value={token}
          aria-label="New token"
          onFocus={(e) => e.target.select()}
        />
        <button type="button" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="ghost" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
