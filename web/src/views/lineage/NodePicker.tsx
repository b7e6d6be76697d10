import { useState } from 'react';
import { Link } from 'react-router-dom';
import { lineageApi } from '../../api/lineage-client.js';
import { ErrorMessage, Loading } from '../../components/states.js';
import { KIND_WORDS } from '../../lib/lineage/lineage-story.js';
import { useApiQuery } from '../../lib/use-api-query.js';
import { EntityIcon } from './LineageNodeCard.js';

/** Finds a node to start from by text in its name or id; the newest nodes are listed before anything is typed. */
export function NodePicker() {
  const [text, setText] = useState('');
  const found = useApiQuery(['lineage', 'search', text], (signal) => lineageApi.search(text, signal), {
    keepPrevious: true,
  });
  return (
    <section className="lineage-picker">
      <p>Start from a dataset, feature, run, model version, deployment or environment.</p>
      <input
        type="search"
        aria-label="Search lineage nodes"
        placeholder="Name or id, e.g. customers or fraud v1"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      {found.error && <ErrorMessage error={found.error} />}
      {!found.data && !found.error && <Loading />}
      <ul className="plain-list">
        {found.data?.nodes.map((node) => (
          <li key={node.id}>
            <Link to={`/lineage?node=${encodeURIComponent(node.id)}`}>
              <EntityIcon kind={node.kind} size={16} /> {node.label}
            </Link>{' '}
            <span className="muted small">{KIND_WORDS[node.kind] ?? node.kind}</span>
          </li>
        ))}
      </ul>
      {found.data?.nodes.length === 0 && <p className="muted">No node matches.</p>}
    </section>
  );
}
