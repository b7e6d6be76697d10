/**
 * The `@name` being typed just before the caret, as the server reads mentions (src/domain/collaboration/mentions.ts):
 * an `@` at the start or after something that cannot be part of a name (so `ana@example.com` is no mention),
 * followed by a letter or digit and then letters, digits, `.`, `_` or `-`.
 */
const TYPING = /(?:^|[^\p{L}\p{N}_.@/-])@([\p{L}\p{N}][\p{L}\p{N}._-]{0,63})$/u;

/** Where the mention being typed starts (its `@`) and the part of the name typed so far; null when none is. */
export function mentionAtCaret(text: string, caret: number): { start: number; prefix: string } | null {
  const before = text.slice(0, caret);
  const match = TYPING.exec(before);
  if (!match) return null;
  const prefix = match[1]!;
  return { start: caret - prefix.length - 1, prefix };
}

/** The text with the mention being typed completed to `@name ` and the caret just after it. */
export function completeMention(
  text: string,
  mention: { start: number; prefix: string },
  name: string,
): { text: string; caret: number } {
  const end = mention.start + 1 + mention.prefix.length;
  const rest = text.slice(end);
  // A space follows the name unless one is there already, so typing goes on naturally.
  const inserted = `@${name}${rest.startsWith(' ') ? '' : ' '}`;
  return {
    text: `${text.slice(0, mention.start)}${inserted}${rest}`,
    caret: mention.start + inserted.length + (rest.startsWith(' ') ? 1 : 0),
  };
}
