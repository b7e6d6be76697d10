import { invalid } from '../errors.js';

export type BackendLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; connectionString: string };

/**
 * Reads a backend store URI the way MLflow's server does: `sqlite:///relative.db`, `sqlite:////abs/path.db`,
 * a bare file path, `:memory:`, or `postgresql://…` (also `postgres://`).
 */
export function parseBackendUri(uri: string): BackendLocation {
  const trimmed = uri.trim();
  if (trimmed === '') throw invalid('backend store URI must not be empty');
  if (/^postgres(ql)?(\+\w+)?:\/\//i.test(trimmed)) {
    // MLflow users often write postgresql+psycopg2://; the driver suffix means nothing to us.
    return { kind: 'postgres', connectionString: trimmed.replace(/^postgres(ql)?\+\w+:/i, 'postgresql:') };
  }
  if (trimmed.startsWith('sqlite:')) {
    const match = /^sqlite:\/\/\/(.*)$/.exec(trimmed);
    if (!match || match[1] === '') throw invalid(`SQLite URI '${uri}' must look like sqlite:///path/to/file.db`);
    return { kind: 'sqlite', path: match[1]! };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw invalid(`unsupported backend store URI '${uri}': use a SQLite file path, sqlite:///path or postgresql://…`);
  }
  return { kind: 'sqlite', path: trimmed };
}
