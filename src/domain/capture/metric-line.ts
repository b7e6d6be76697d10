/** Metric points read from one line a program printed, for `mnemo run --parse-metrics`. */
export interface ParsedMetricLine {
  values: Record<string, number>;
  step: number | undefined;
}

/** Longer lines are not metric lines; skipping them keeps parsing linear in what is printed. */
export const MAX_METRIC_LINE = 10_000;
const KEY = /^[A-Za-z_][\w./-]{0,249}$/;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * Reads `loss=0.31 step=12` (every token a key=number pair, blanks or commas between) or a JSON object line
 * `{"loss": 0.31, "step": 12}` (its numeric members; others ignored). `step` is the step when it is a whole number.
 * Anything else, or a line with no metric besides the step, answers undefined, so ordinary output is left alone.
 */
export function parseMetricLine(line: string): ParsedMetricLine | undefined {
  const text = line.trim();
  if (text === '' || text.length > MAX_METRIC_LINE) return undefined;
  const pairs = text.startsWith('{') ? jsonPairs(text) : keyValuePairs(text);
  if (!pairs) return undefined;
  let step: number | undefined;
  const values: Record<string, number> = {};
  for (const [key, value] of pairs) {
    if (key === 'step' && Number.isSafeInteger(value)) step = value;
    else values[key] = value;
  }
  return Object.keys(values).length === 0 ? undefined : { values, step };
}

function keyValuePairs(text: string): [string, number][] | undefined {
  const pairs: [string, number][] = [];
  for (const token of text.split(/[\s,]+/)) {
    if (token === '') continue;
    const eq = token.indexOf('=');
    if (eq <= 0) return undefined;
    const key = token.slice(0, eq);
    const raw = token.slice(eq + 1);
    if (!KEY.test(key) || !NUMBER.test(raw)) return undefined;
    pairs.push([key, Number(raw)]);
  }
  return pairs;
}

function jsonPairs(text: string): [string, number][] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  return Object.entries(parsed).filter(
    (entry): entry is [string, number] =>
      typeof entry[1] === 'number' && Number.isFinite(entry[1]) && KEY.test(entry[0]),
  );
}
