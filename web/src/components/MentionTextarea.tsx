import { useQuery } from '@tanstack/react-query';
import { type KeyboardEvent, type TextareaHTMLAttributes, useLayoutEffect, useRef, useState } from 'react';
import { collaborationApi, collaborationKeys } from '../api/collaboration-client.js';
import { completeMention, mentionAtCaret } from '../lib/mention-at-caret.js';

type Props = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange'> & {
  value: string;
  onChange: (value: string) => void;
};

/**
 * A comment box that suggests user names while an `@name` is typed: active users whose name starts with what was
 * typed, picked with the mouse or with the arrow keys and Enter or Tab (Escape closes the list). The server still
 * decides whom a mention notifies; the list only saves typing names exactly.
 */
export function MentionTextarea({ value, onChange, onKeyDown, ...textareaProps }: Props) {
  const box = useRef<HTMLTextAreaElement>(null);
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const pendingCaret = useRef<number | null>(null);

  const mention = mentionAtCaret(value, caret);
  const open = mention !== null && dismissed !== `${mention.start}:${mention.prefix}`;
  const suggestions = useQuery({
    queryKey: collaborationKeys.userSuggestions(mention?.prefix ?? ''),
    queryFn: ({ signal }) => collaborationApi.suggestUsers(mention?.prefix ?? '', signal),
    enabled: open,
    staleTime: 30_000,
  });
  const users = open ? (suggestions.data?.users ?? []) : [];

  useLayoutEffect(() => {
    if (pendingCaret.current === null || !box.current) return;
    box.current.setSelectionRange(pendingCaret.current, pendingCaret.current);
    setCaret(pendingCaret.current);
    pendingCaret.current = null;
  });

  const pick = (name: string) => {
    if (!mention) return;
    const completed = completeMention(value, mention, name);
    pendingCaret.current = completed.caret;
    setActive(0);
    onChange(completed.text);
    box.current?.focus();
  };

  const keyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (users.length > 0) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : users.length - 1;
        setActive((i) => (i + step) % users.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        pick(users[Math.min(active, users.length - 1)]!.name);
        return;
      }
      if (event.key === 'Escape' && mention) {
        event.preventDefault();
        setDismissed(`${mention.start}:${mention.prefix}`);
        return;
      }
    }
    onKeyDown?.(event);
  };

  const listId = `${textareaProps.id ?? 'comment'}-mentions`;
  return (
    <div className="mention-box">
      <textarea
        {...textareaProps}
        ref={box}
        value={value}
        role="combobox"
        aria-expanded={users.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        onChange={(event) => {
          setCaret(event.target.selectionStart);
          setActive(0);
          onChange(event.target.value);
        }}
        onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
        onKeyDown={keyDown}
      />
      {users.length > 0 && (
        <div className="mention-suggestions" role="listbox" id={listId} data-testid="mention-suggestions">
          {users.map((user, i) => (
            <div
              key={user.name}
              role="option"
              tabIndex={-1}
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              data-testid="mention-option"
              // On mouse down, before the box loses focus and the caret with it.
              onMouseDown={(event) => {
                event.preventDefault();
                pick(user.name);
              }}
            >
              <strong>@{user.name}</strong>
              {user.displayName && <span className="muted"> {user.displayName}</span>}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
