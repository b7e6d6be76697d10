import type { ExperimentKeys } from '../api/types.js';
import { columnId } from '../lib/columns.js';

/** Group the runs table by a param, tag or status, and pick the metric whose mean/min/max each group shows. */
export function GroupByControl({
  keys,
  groupBy,
  aggregate,
  onGroupBy,
  onAggregate,
}: {
  keys: ExperimentKeys | undefined;
  groupBy: string;
  aggregate: string;
  onGroupBy: (id: string) => void;
  onAggregate: (metric: string) => void;
}) {
  return (
    <div className="group-control">
      <select aria-label="Group by" value={groupBy} onChange={(event) => onGroupBy(event.target.value)}>
        <option value="">No grouping</option>
        <option value="attributes.status">Group by status</option>
        <option value="attributes.user_id">Group by user</option>
        {keys?.params.length ? (
          <optgroup label="Params">
            {keys.params.map((k) => (
              <option key={k} value={columnId('params', k)}>
                Group by {k}
              </option>
            ))}
          </optgroup>
        ) : null}
        {keys?.tags.length ? (
          <optgroup label="Tags">
            {keys.tags.map((k) => (
              <option key={k} value={columnId('tags', k)}>
                Group by {k}
              </option>
            ))}
          </optgroup>
        ) : null}
      </select>
      {groupBy && (
        <select aria-label="Aggregate metric" value={aggregate} onChange={(event) => onAggregate(event.target.value)}>
          <option value="">No aggregate</option>
          {(keys?.metrics ?? []).map((k) => (
            <option key={k} value={k}>
              {k}: mean / min / max
            </option>
          ))}
        </select>
      )}
    </div>
  );
}
