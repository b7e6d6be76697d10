import { formatTime } from '../../lib/format.js';
import type { ViewEdge } from '../../lib/lineage/node-groups.js';

const RELATION: Record<string, string> = {
  consumed: 'was used by',
  produced: 'produced',
  derived_from: 'is the source of',
  depends_on: 'is needed by',
  deployed_to: 'is deployed to',
};

/** Where an edge came from, for the edge under the pointer: which run recorded it, through which event, when. */
export function EdgeProvenance({
  edge,
  x,
  y,
  labelOf,
}: {
  edge: ViewEdge;
  x: number;
  y: number;
  labelOf: (nodeId: string) => string;
}) {
  const one = edge.edge;
  return (
    <div className="edge-provenance" role="tooltip" data-testid="edge-provenance" style={{ left: x + 12, top: y + 12 }}>
      <div>
        <strong>{labelOf(edge.from)}</strong> {RELATION[edge.type] ?? edge.type} <strong>{labelOf(edge.to)}</strong>
      </div>
      {one ? (
        <dl>
          <dt>Edge</dt>
          <dd className="mono">{edge.type}</dd>
          <dt>Recorded by run</dt>
          <dd>{one.runId ? labelOf(`run:${one.runId}`) : '—'}</dd>
          <dt>Event</dt>
          <dd className="mono">{one.eventId ?? '—'}</dd>
          {one.createdTime !== undefined && (
            <>
              <dt>When</dt>
              <dd>{formatTime(one.createdTime)}</dd>
            </>
          )}
        </dl>
      ) : (
        <div className="muted">
          {edge.count} edges of type {edge.type}, between the members of a group
        </div>
      )}
    </div>
  );
}
