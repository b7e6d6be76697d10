import { useState } from 'react';
import { api } from '../api/client.js';
import { queryKeys } from '../api/queries.js';
import { containsPattern } from '../lib/columns.js';
import { useApiQuery } from '../lib/use-api-query.js';
import { Popover } from './Popover.js';
import { StatusBadge } from './StatusBadge.js';

const SHOWN = 50;

/**
 * Finds runs of the given experiments by name and adds them to a comparison, so a comparison started from one run
 * ("Compare with…") can grow without going back to the runs table.
 */
export function AddRunsPicker({
  experimentIds,
  exclude,
  onAdd,
  disabled,
}: {
  experimentIds: string[];
  exclude: ReadonlySet<string>;
  onAdd: (runId: string) => void;
  disabled?: boolean;
}) {
  if (experimentIds.length === 0 || disabled) return null;
  return (
    <Popover label="Add runs" testId="add-runs">
      <RunFinder experimentIds={experimentIds} exclude={exclude} onAdd={onAdd} />
    </Popover>
  );
}

function RunFinder({
  experimentIds,
  exclude,
  onAdd,
}: {
  experimentIds: string[];
  exclude: ReadonlySet<string>;
  onAdd: (runId: string) => void;
}) {
  const [query, setQuery] = useState('');
  const filter = query.trim() ? `attributes.run_name ILIKE ${containsPattern(query.trim())}` : undefined;
  const maxResults = SHOWN + exclude.size;
  const found = useApiQuery(
    queryKeys.runFinder(experimentIds, filter ?? '', maxResults),
    (signal) => api.searchRuns({ experimentIds, filter, orderBy: ['attributes.start_time DESC'], maxResults }, signal),
    // The runs found so far stay listed while the next keystroke's search runs.
    { keepPrevious: true },
  );
  const candidates = (found.data?.runs ?? []).filter((r) => !exclude.has(r.runId)).slice(0, SHOWN);
  return (
    <div className="run-finder">
      <input
        type="search"
        aria-label="Find runs to add"
        placeholder="Run name"
        value={query}
        // biome-ignore lint/a11y/noAutofocus: the panel opens to search; focus belongs in its box
        autoFocus
        onChange={(event) => setQuery(event.target.value)}
      />
      {found.error ? (
        <p className="muted small">{found.error.message}</p>
      ) : found.data && candidates.length === 0 ? (
        <p className="muted small">No other run matches.</p>
      ) : (
        <ul className="run-finder-list">
          {candidates.map((run) => (
            <li key={run.runId}>
              <button type="button" className="ghost" onClick={() => onAdd(run.runId)}>
                + <span className="clamp">{run.runName || run.runId}</span>
              </button>
              <StatusBadge status={run.status} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
