import { useState } from 'react';
import type { ExperimentKeys } from '../api/types.js';
import { ATTRIBUTES, type ColumnKind, columnId } from '../lib/columns.js';
import { Popover } from './Popover.js';

/** Chooses which attributes, params, metrics and tags the runs table shows; the choice lives in the URL. */
export function ColumnPicker({
  keys,
  columns,
  onChange,
}: {
  keys: ExperimentKeys | undefined;
  columns: string[];
  onChange: (columns: string[]) => void;
}) {
  const [search, setSearch] = useState('');
  const chosen = new Set(columns);
  const sections: [string, ColumnKind, string[]][] = [
    ['Attributes', 'attributes', Object.keys(ATTRIBUTES).filter((k) => k !== 'run_name')],
    ['Metrics', 'metrics', keys?.metrics ?? []],
    ['Params', 'params', keys?.params ?? []],
    ['Tags', 'tags', keys?.tags ?? []],
  ];
  const toggle = (id: string) => onChange(chosen.has(id) ? columns.filter((c) => c !== id) : [...columns, id]);
  const needle = search.toLowerCase();
  return (
    <Popover label={`Columns (${columns.length})`} testId="column-picker">
      <input
        type="search"
        placeholder="Find a column"
        aria-label="Find a column"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      <div className="picker-sections">
        {sections.map(([title, kind, list]) => {
          const shown = list.filter((k) => k.toLowerCase().includes(needle));
          if (shown.length === 0) return null;
          const ids = shown.map((k) => columnId(kind, k));
          return (
            <section key={kind}>
              <header>
                <h4>{title}</h4>
                {kind !== 'attributes' && (
                  <button
                    type="button"
                    className="link-button small"
                    onClick={() =>
                      onChange(
                        ids.every((id) => chosen.has(id))
                          ? columns.filter((c) => !ids.includes(c))
                          : [...new Set([...columns, ...ids])],
                      )
                    }
                  >
                    {ids.every((id) => chosen.has(id)) ? 'none' : 'all'}
                  </button>
                )}
              </header>
              {shown.map((key) => {
                const id = columnId(kind, key);
                return (
                  <label key={id} className="check">
                    <input type="checkbox" checked={chosen.has(id)} onChange={() => toggle(id)} />
                    <span className={kind === 'attributes' ? '' : 'mono'}>
                      {kind === 'attributes' ? ATTRIBUTES[key]?.label : key}
                    </span>
                  </label>
                );
              })}
            </section>
          );
        })}
      </div>
    </Popover>
  );
}
