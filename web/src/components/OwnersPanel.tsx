import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api/client.js';
import { collaborationApi, collaborationKeys, type OwnedSubject, type Owners } from '../api/collaboration-client.js';
import { queryKeys } from '../api/queries.js';
import { useApiQuery } from '../lib/use-api-query.js';
import { ErrorMessage } from './states.js';

/**
 * Who owns an experiment or a dataset: a user and a team, either of which may be unset. Those who may edit it change
 * them in place (the user field suggests active users as it is typed, the team is picked from the teams); others see
 * why they cannot. `onChanged` lets a page refresh what shows the owners elsewhere (the experiment list).
 */
export function OwnersPanel({
  subject,
  editable,
  deniedReason,
  onChanged,
}: {
  subject: OwnedSubject;
  editable: boolean;
  deniedReason: string;
  onChanged?: () => Promise<void> | void;
}) {
  const owners = useApiQuery(collaborationKeys.owners(subject), (signal) => collaborationApi.owners(subject, signal));
  const [editing, setEditing] = useState<Owners | null>(null);
  const shown = owners.data?.owners;

  return (
    <div className="owners-panel" data-testid="owners">
      <span>
        <span className="muted">Owner </span>
        <strong data-testid="owner-user">{shown ? (shown.user ?? '—') : '…'}</strong>
      </span>
      <span>
        <span className="muted">Team </span>
        <strong data-testid="owner-team">
          {/* The owning team's dashboard is where its experiments and models are watched together. */}
          {shown?.team ? (
            <Link to={`/teams/${encodeURIComponent(shown.team)}/dashboard`} title={`${shown.team}'s dashboard`}>
              {shown.team}
            </Link>
          ) : shown ? (
            '—'
          ) : (
            '…'
          )}
        </strong>
      </span>
      {owners.error && <ErrorMessage error={owners.error} onRetry={owners.reload} />}
      {editing === null ? (
        <button
          type="button"
          className="link-button"
          disabled={!editable || !shown}
          title={editable ? undefined : deniedReason}
          data-testid="owners-edit"
          onClick={() => shown && setEditing(shown)}
        >
          Change owners
        </button>
      ) : (
        <OwnersForm
          initial={editing}
          onCancel={() => setEditing(null)}
          onSave={async (next) => {
            await collaborationApi.setOwners(subject, next);
            setEditing(null);
            owners.reload();
            await onChanged?.();
          }}
        />
      )}
    </div>
  );
}

function OwnersForm({
  initial,
  onSave,
  onCancel,
}: {
  initial: Owners;
  onSave: (owners: Owners) => Promise<void>;
  onCancel: () => void;
}) {
  const [user, setUser] = useState(initial.user ?? '');
  const [team, setTeam] = useState(initial.team ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const teams = useApiQuery(queryKeys.teams(), (signal) => api.teams(signal));
  const typed = user.trim();
  const suggestions = useQuery({
    queryKey: collaborationKeys.userSuggestions(typed),
    queryFn: ({ signal }) => collaborationApi.suggestUsers(typed, signal),
    enabled: typed !== '',
    staleTime: 30_000,
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSave({ user: typed === '' ? null : typed, team: team === '' ? null : team });
    } catch (caught) {
      setError(caught as Error);
      setBusy(false);
    }
  };

  return (
    <form className="inline-form" onSubmit={submit}>
      <input
        aria-label="Owner user"
        placeholder="user (empty: none)"
        list="owner-user-options"
        value={user}
        onChange={(event) => setUser(event.target.value)}
        data-testid="owner-user-input"
      />
      <datalist id="owner-user-options">
        {(suggestions.data?.users ?? []).map((u) => (
          <option key={u.name} value={u.name}>
            {u.displayName ?? u.name}
          </option>
        ))}
      </datalist>
      <select
        aria-label="Owner team"
        value={team}
        onChange={(event) => setTeam(event.target.value)}
        data-testid="owner-team-input"
      >
        <option value="">no team</option>
        {/* The team set now stays choosable while the list loads, or if it was renamed away. */}
        {team !== '' && !teams.data?.teams.some((t) => t.name === team) && <option value={team}>{team}</option>}
        {(teams.data?.teams ?? []).map((t) => (
          <option key={t.name} value={t.name}>
            {t.name}
          </option>
        ))}
      </select>
      <button type="submit" className="primary" disabled={busy} data-testid="owners-save">
        {busy ? 'Saving…' : 'Save'}
      </button>
      <button type="button" onClick={onCancel} disabled={busy}>
        Cancel
      </button>
      {error && <ErrorMessage error={error} />}
    </form>
  );
}
