import { invalid } from '../errors.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** What `mnemo gc` keeps by default: a month to notice a mistaken delete and restore it. */
export const DEFAULT_RETENTION = '30d';

/**
 * A retention period as given on the command line: a whole number with a unit (`30d`, `12h`, `90m`, `2w`, `45s`), or
 * `0` for no retention at all (everything deleted goes). A bare number other than 0 is refused: days or seconds?
 */
export function parseRetention(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const match = /^([0-9]+)([smhdw])$/.exec(trimmed);
  if (!match) {
    throw invalid(`Invalid retention period '${text}': give a number with a unit (s, m, h, d or w), such as 30d, or 0`);
  }
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  if (!Number.isSafeInteger(ms)) throw invalid(`Invalid retention period '${text}': it is too long`);
  return ms;
}
