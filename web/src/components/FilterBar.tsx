import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { applySuggestion, type Suggestions, suggestFields } from '../lib/filter-suggestions.js';

const EXAMPLE = "metrics.loss < 0.5 and params.optimizer = 'adam'";

/**
 * The run filter, in MLflow's filter language, with completion of field names as you type. Enter applies it; the
 * filter only reaches the URL (and the server) when applied, so half-typed text never triggers a search.
 */
export function FilterBar({
  value,
  fields,
  onApply,
  error,
}: {
  value: string;
  fields: string[];
  onApply: (filter: string) => void;
  error?: string | undefined;
}) {
  const [draft, setDraft] = useState(value);
  const [suggestions, setSuggestions] = useState<Suggestions>({ start: 0, end: 0, items: [] });
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  // Where the caret goes once a chosen suggestion is in the input.
  const caret = useRef<number | null>(null);
  useEffect(() => setDraft(value), [value]);
  // Placed in the same commit that writes the completed text, before the browser handles another key: a caret set
  // on a later frame would land after keys typed in the meantime (a loaded machine draws frames late), sending the
  // rest of the filter into the middle of what was already typed.
  useLayoutEffect(() => {
    if (caret.current === null) return;
    input.current?.setSelectionRange(caret.current, caret.current);
    caret.current = null;
  });

  const update = (text: string, cursor: number) => {
    setDraft(text);
    setSuggestions(suggestFields(text, cursor, fields));
    setActive(0);
  };
  const choose = (item: string) => {
    const next = applySuggestion(draft, suggestions, item);
    caret.current = next.cursor;
    setDraft(next.text);
    setSuggestions({ start: 0, end: 0, items: [] });
  };

  return (
    <div className="filter-bar">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setSuggestions({ start: 0, end: 0, items: [] });
          onApply(draft.trim());
        }}
      >
        <input
          ref={input}
          className={`filter-input mono ${error ? 'invalid' : ''}`}
          aria-label="Filter runs"
          placeholder={EXAMPLE}
          value={draft}
          spellCheck={false}
          autoComplete="off"
          onChange={(event) => update(event.target.value, event.target.selectionStart ?? event.target.value.length)}
          onBlur={() => setTimeout(() => setSuggestions({ start: 0, end: 0, items: [] }), 150)}
          onKeyDown={(event) => {
            if (suggestions.items.length === 0) return;
            if (event.key === 'ArrowDown') setActive((a) => (a + 1) % suggestions.items.length);
            else if (event.key === 'ArrowUp')
              setActive((a) => (a - 1 + suggestions.items.length) % suggestions.items.length);
            else if (event.key === 'Tab' || (event.key === 'Enter' && suggestions.items[active] !== undefined)) {
              choose(suggestions.items[active]!);
            } else if (event.key === 'Escape') setSuggestions({ start: 0, end: 0, items: [] });
            else return;
            event.preventDefault();
          }}
        />
        {value && (
          <button
            type="button"
            className="ghost"
            onClick={() => {
              setDraft('');
              onApply('');
            }}
          >
            Clear
          </button>
        )}
      </form>
      {suggestions.items.length > 0 && (
        <ul className="suggestions" aria-label="Field suggestions">
          {suggestions.items.map((item, i) => (
            <li key={item} className={i === active ? 'active' : ''}>
              <button
                type="button"
                className="suggestion mono"
                tabIndex={-1}
                onMouseDown={(event) => {
                  event.preventDefault();
                  choose(item);
                }}
              >
                {item}
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <div className="filter-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
