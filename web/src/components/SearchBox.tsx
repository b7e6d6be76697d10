import { useEffect, useId, useState } from 'react';
import { searchApi, searchKeys } from '../api/search-client.js';
import { useApiQuery } from '../lib/use-api-query.js';

const DEBOUNCE_MS = 200;

/** The word being typed (the text after the last space): completion works on it, the words before stay. */
const lastWord = (text: string) => text.slice(text.lastIndexOf(' ') + 1);
const withLastWord = (text: string, word: string) => `${text.slice(0, text.lastIndexOf(' ') + 1)}${word}`;

function useDebounced(value: string): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [value]);
  return settled;
}

interface SearchBoxProps {
  initial: string;
  /** Called with the finished query: on Enter, or when a suggestion is picked. */
  onSearch: (q: string) => void;
  label: string;
  className?: string;
  testId: string;
}

/**
 * A search input completing the word being typed (names, tags, keys, owners; near misses too, so a typo still finds
 * its value) once typing pauses. Arrow keys move through the suggestions, Enter picks one or searches, Escape closes.
 */
export function SearchBox({ initial, onSearch, label, className, testId }: SearchBoxProps) {
  const [text, setText] = useState(initial);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listId = useId();
  useEffect(() => setText(initial), [initial]);
  const prefix = useDebounced(lastWord(text).trim());
  const completions = useApiQuery(searchKeys.complete(prefix), (signal) => searchApi.complete(prefix, signal), {
    enabled: open && prefix !== '',
  });
  const options = open && prefix !== '' ? (completions.data?.completions ?? []) : [];
  const shown = options.length > 0;

  const submit = (q: string) => {
    setOpen(false);
    setActive(-1);
    setText(q);
    onSearch(q);
  };

  return (
    <div className={`search-box ${className ?? ''}`}>
      <input
        type="search"
        role="combobox"
        aria-label={label}
        aria-expanded={shown}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={shown && active >= 0 ? `${listId}-${active}` : undefined}
        placeholder="Search models, runs, datasets…"
        data-testid={testId}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onBlur={() => setOpen(false)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && shown) {
            e.preventDefault();
            setActive((i) => (i + 1) % options.length);
          } else if (e.key === 'ArrowUp' && shown) {
            e.preventDefault();
            setActive((i) => (i <= 0 ? options.length - 1 : i - 1));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            const picked = shown && active >= 0 ? options[active] : undefined;
            submit(picked ? withLastWord(text, picked.value) : text);
          } else if (e.key === 'Escape' && shown) {
            // The first Escape closes the list; only a second one clears the field, as a search input does.
            e.preventDefault();
            setOpen(false);
            setActive(-1);
          }
        }}
      />
      {shown && (
        <div className="search-suggestions" id={listId} role="listbox" data-testid={`${testId}-suggestions`}>
          {options.map((option, i) => (
            <div
              key={`${option.kind}:${option.value}`}
              id={`${listId}-${i}`}
              role="option"
              // Focus stays in the input (aria-activedescendant names the active option), as a combobox expects.
              tabIndex={-1}
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              // mousedown, not click: the input's blur would close the list before a click lands.
              onMouseDown={(e) => {
                e.preventDefault();
                submit(withLastWord(text, option.value));
              }}
            >
              <span>{option.value}</span>
              <span className="muted small">
                {option.kind.replace('_', ' ')} · {option.count}
              </span>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
