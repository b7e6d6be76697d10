import type { FileSpot } from './dependency-file-error.js';

/** A logical line of a pip requirements file: comments removed, `\` continuations joined. */
export interface LogicalLine {
  text: string;
  /** Spot of the first character of `text`. */
  spot: FileSpot;
}

/** Splits a requirements-style file into logical lines, dropping blank lines and comments. */
export function requirementLines(file: string, content: string): LogicalLine[] {
  const physical = content.split(/\r?\n/);
  const lines: LogicalLine[] = [];
  let pending: { text: string; spot: FileSpot } | null = null;
  physical.forEach((raw, index) => {
    const withoutComment = raw.replace(/(^|\s)#.*$/, '');
    const continued = withoutComment.endsWith('\\');
    const part = continued ? withoutComment.slice(0, -1) : withoutComment;
    if (pending === null) {
      const lead = part.length - part.trimStart().length;
      pending = { text: part.trimStart(), spot: { file, line: index + 1, column: lead + 1 } };
    } else {
      pending.text += part;
    }
    if (!continued) {
      const text = pending.text.trimEnd();
      if (text !== '') lines.push({ text, spot: pending.spot });
      pending = null;
    }
  });
  const last = pending as { text: string; spot: FileSpot } | null;
  if (last !== null && last.text.trim() !== '') lines.push({ text: last.text.trim(), spot: last.spot });
  return lines;
}

/** pip options that say how to install, not what: they never change what a model needs. */
const INSTALLER_OPTIONS = [
  '--index-url',
  '-i',
  '--extra-index-url',
  '--find-links',
  '-f',
  '--no-index',
  '--no-binary',
  '--only-binary',
  '--prefer-binary',
  '--trusted-host',
  '--require-hashes',
  '--use-feature',
];

export type OptionLine =
  | { kind: 'pre' }
  | { kind: 'include'; why: string }
  | { kind: 'editable' }
  | { kind: 'installer' }
  | { kind: 'unknown' };

/** Classifies a line starting with `-`. */
export function optionLine(text: string): OptionLine {
  const option = text.split(/[\s=]/, 1)[0] ?? '';
  if (option === '--pre') return { kind: 'pre' };
  if (['-r', '--requirement'].includes(option)) return { kind: 'include', why: 'includes another requirements file' };
  if (['-c', '--constraint'].includes(option)) return { kind: 'include', why: 'includes a constraints file' };
  if (['-e', '--editable'].includes(option)) return { kind: 'editable' };
  if (INSTALLER_OPTIONS.includes(option)) return { kind: 'installer' };
  return { kind: 'unknown' };
}

/** Removes trailing per-requirement options (`--hash=sha256:…`) that pip allows after a requirement. */
export const withoutRequirementOptions = (text: string): string =>
  text.replace(/\s+--[a-z-]+(?:[=\s]\S+)?/g, '').trim();
