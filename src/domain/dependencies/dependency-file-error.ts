import { MnemoError } from '../errors.js';

/** Where in a dependency file something was found; lines and columns count from 1 as editors show them. */
export interface FileSpot {
  file: string;
  line: number;
  column: number;
}

/**
 * A dependency file that cannot be read is refused whole, naming the spot and what should have been there, so the
 * author can fix the line instead of guessing which of hundreds was wrong.
 */
export function dependencyFileError(spot: FileSpot, expected: string, found?: string): MnemoError {
  const what = found === undefined ? '' : `; found '${found.length > 60 ? `${found.slice(0, 60)}…` : found}'`;
  const error = new MnemoError(
    'INVALID_PARAMETER_VALUE',
    `${spot.file}:${spot.line}:${spot.column}: expected ${expected}${what}`,
  );
  error.details = { file: spot.file, line: spot.line, column: spot.column, expected };
  return error;
}

/** The 1-based line and column of a character offset in a text. */
export function spotAt(file: string, text: string, offset: number): FileSpot {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i += 1) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { file, line, column: offset - lineStart + 1 };
}
