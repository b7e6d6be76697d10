/**
 * A small Markdown reader for run notes. It produces a tree of plain data that the UI renders as React elements, so
 * no note text ever becomes HTML: `<script>` in a note is shown as the characters `<script>`. Supported: headings,
 * paragraphs, bullet and numbered lists, block quotes, fenced code, horizontal rules, and inline code, bold,
 * italic, strikethrough and links (http, https and mailto only).
 */

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong' | 'em' | 'del'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] };

export type Block =
  | { type: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'list'; ordered: boolean; items: Inline[][] }
  | { type: 'quote'; children: Block[] }
  | { type: 'code'; language: string; text: string }
  | { type: 'rule' };

const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const NUMBERED = /^\s{0,3}\d{1,9}[.)]\s+(.*)$/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const FENCE = /^\s{0,3}(```|~~~)\s*([\w+-]*)/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;

export function parseMarkdown(source: string): Block[] {
  const lines = source.replaceAll('\r\n', '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!)) body.push(lines[i++]!);
      i++;
      blocks.push({ type: 'code', language: fence[2] ?? '', text: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = heading[1]!.length as 1 | 2 | 3 | 4 | 5 | 6;
      blocks.push({ type: 'heading', level, children: parseInline(heading[2]!) });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ type: 'rule' });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) body.push(QUOTE.exec(lines[i++]!)![1]!);
      blocks.push({ type: 'quote', children: parseMarkdown(body.join('\n')) });
      continue;
    }
    const listPattern = BULLET.test(line) ? BULLET : NUMBERED.test(line) ? NUMBERED : null;
    if (listPattern) {
      const items: string[] = [];
      while (i < lines.length && lines[i]!.trim() !== '') {
        const item = listPattern.exec(lines[i]!);
        if (item) items.push(item[1]!);
        else if (/^\s+\S/.test(lines[i]!) && items.length > 0) items[items.length - 1] += ` ${lines[i]!.trim()}`;
        else break;
        i++;
      }
      blocks.push({ type: 'list', ordered: listPattern === NUMBERED, items: items.map(parseInline) });
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && !startsBlock(lines[i]!)) paragraph.push(lines[i++]!.trim());
    blocks.push({ type: 'paragraph', children: parseInline(paragraph.join(' ')) });
  }
  return blocks;
}

function startsBlock(line: string): boolean {
  return [FENCE, HEADING, RULE, QUOTE, BULLET, NUMBERED].some((pattern) => pattern.test(line));
}

/** Only these link targets are kept as links; anything else (javascript:, data:) stays plain text. */
export function safeHref(href: string): string | null {
  const trimmed = href.trim();
  if (/^(https?:|mailto:)/i.test(trimmed)) return trimmed;
  if (/^[/#?]/.test(trimmed) && !trimmed.startsWith('//')) return trimmed;
  return null;
}

const DELIMITERS: [string, 'strong' | 'em' | 'del'][] = [
  ['**', 'strong'],
  ['__', 'strong'],
  ['~~', 'del'],
  ['*', 'em'],
  ['_', 'em'],
];

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain) out.push({ type: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length && /[\\`*_{}[\]()#+\-.!~>]/.test(text[i + 1]!)) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i) {
        flush();
        out.push({ type: 'code', text: text.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (c === '[') {
      const link = /^\[([^\]]*)\]\(([^)\s]*)\)/.exec(text.slice(i));
      if (link) {
        const href = safeHref(link[2]!);
        flush();
        const children = parseInline(link[1]!);
        out.push(href ? { type: 'link', href, children } : { type: 'text', text: link[1]! });
        i += link[0].length;
        continue;
      }
    }
    const delimiter = DELIMITERS.find(([mark]) => text.startsWith(mark, i));
    if (delimiter) {
      const [mark, type] = delimiter;
      const end = text.indexOf(mark, i + mark.length);
      const inner = end > i + mark.length ? text.slice(i + mark.length, end) : '';
      // Emphasis must hug its text ("*a*", not "* a *") so that stray asterisks stay literal.
      if (inner && inner.trim() === inner) {
        flush();
        out.push({ type, children: parseInline(inner) });
        i = end + mark.length;
        continue;
      }
    }
    const url = /^https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"]/.exec(text.slice(i));
    if (url && (i === 0 || /\s/.test(text[i - 1]!))) {
      flush();
      out.push({ type: 'link', href: url[0], children: [{ type: 'text', text: url[0] }] });
      i += url[0].length;
      continue;
    }
    plain += c;
    i++;
  }
  flush();
  return out;
}
