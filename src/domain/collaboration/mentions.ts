/**
 * The user names a comment mentions with `@name`. Mentions notify people, so the parser errs towards fewer: text in
 * code (fenced blocks and inline spans) is quoted, not addressed to anyone, and an `@` inside a word is part of an
 * e-mail address or a handle elsewhere (`ana@example.com`), not a mention.
 */

/** A name as principal-name.ts allows (less `@`, which starts the next mention), letters of any script kept so `@Zoë` is not read as `@Zo`. */
const MENTION = /(^|[^\p{L}\p{N}_.@/-])@([\p{L}\p{N}][\p{L}\p{N}._-]{0,63})/gu;

/** At most this many people are notified by one comment, so a pasted list cannot flood every inbox. */
export const MAX_MENTIONS = 50;

/** Distinct mentioned names in order of first appearance (a trailing `.` or `-` ends the sentence, not the name). */
export function parseMentions(markdown: string): string[] {
  const names: string[] = [];
  for (const [, , raw] of stripCode(markdown).matchAll(MENTION)) {
    const name = raw!.replace(/[._-]+$/, '');
    if (name !== '' && !names.includes(name)) names.push(name);
    if (names.length === MAX_MENTIONS) break;
  }
  return names;
}

/**
 * The text with fenced code blocks and inline code spans blanked out. A fence runs from a line opening with three or
 * more backticks or tildes to the next line opening with the same; an unclosed fence runs to the end, as Markdown
 * renders it. An inline span is a run of backticks up to the next run of the same length.
 */
export function stripCode(markdown: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const opener = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (opener !== undefined && opener[0] === fence[0] && opener.length >= fence.length) fence = undefined;
      out.push('');
      continue;
    }
    if (opener !== undefined) {
      fence = opener;
      out.push('');
      continue;
    }
    out.push(stripInlineCode(line));
  }
  return out.join('\n');
}

function stripInlineCode(line: string): string {
  let result = '';
  let i = 0;
  while (i < line.length) {
    if (line[i] !== '`') {
      result += line[i];
      i += 1;
      continue;
    }
    let run = 0;
    while (line[i + run] === '`') run += 1;
    const ticks = '`'.repeat(run);
    let close = line.indexOf(ticks, i + run);
    // A closing run must be exactly as long: a longer one does not close the span.
    while (close !== -1 && line[close + run] === '`') {
      let end = close;
      while (line[end] === '`') end += 1;
      close = line.indexOf(ticks, end);
    }
    if (close === -1) {
      result += ticks;
      i += run;
      continue;
    }
    result += ' ';
    i = close + run;
  }
  return result;
}
