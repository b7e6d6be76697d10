import { invalid } from '../errors.js';

const ALIAS_PATTERN = /^[\w-]{1,255}$/;

/**
 * Alias names follow MLflow's rules: letters, digits, `_` and `-`; `latest` is reserved (it means the newest
 * version) and `v<digits>` is refused because it would read as a version number.
 */
export function validateAlias(alias: string): string {
  if (!ALIAS_PATTERN.test(alias)) {
    throw invalid(`Invalid alias '${alias}': use 1-255 letters, digits, '_' or '-'`);
  }
  if (alias.toLowerCase() === 'latest') throw invalid(`Alias 'latest' is reserved for the newest version`);
  if (/^v\d+$/i.test(alias)) {
    throw invalid(`Invalid alias '${alias}': names of the form v<number> are reserved for version references`);
  }
  return alias;
}
