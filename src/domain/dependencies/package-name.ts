/**
 * Python package names compare after PEP 503 normalisation (case, and runs of `-`, `_`, `.` are one separator), so
 * `Scikit_Learn` in a freeze and `scikit-learn` in a requirement are one package. npm names are case-sensitive
 * already lower-case identifiers and are kept as written.
 */
export const normalisePythonName = (name: string): string =>
  name
    .trim()
    .toLowerCase()
    .replace(/[-_.]+/g, '-');

/** A PEP 508 distribution name: letters and digits, with `.`, `_`, `-` inside. */
export const PYTHON_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;

/** An npm package name, scoped or not. */
export const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
