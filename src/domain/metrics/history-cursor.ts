import { invalid } from '../errors.js';

/**
 * Position after the last point of a metric-history page. Paging by position rather than by offset keeps every page
 * as cheap as the first, however long the history.
 */
export interface HistoryCursor {
  step: number;
  timestamp: number;
  isNan: number;
  value: number;
}

export function encodeHistoryCursor(cursor: HistoryCursor): string {
  const value = Number.isFinite(cursor.value) ? cursor.value : String(cursor.value);
  return Buffer.from(JSON.stringify([cursor.step, cursor.timestamp, cursor.isNan, value])).toString('base64url');
}

export function decodeHistoryCursor(token: string): HistoryCursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid(`Invalid page token '${token}'`);
  }
  if (!Array.isArray(decoded) || decoded.length !== 4) throw invalid(`Invalid page token '${token}'`);
  const [step, timestamp, isNan, rawValue] = decoded as unknown[];
  const value = typeof rawValue === 'string' ? Number(rawValue) : rawValue;
  if (
    !Number.isSafeInteger(step) ||
    !Number.isSafeInteger(timestamp) ||
    (isNan !== 0 && isNan !== 1) ||
    typeof value !== 'number' ||
    Number.isNaN(value)
  ) {
    throw invalid(`Invalid page token '${token}'`);
  }
  return { step: step as number, timestamp: timestamp as number, isNan: isNan as number, value };
}
