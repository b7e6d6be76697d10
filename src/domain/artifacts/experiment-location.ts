import { invalid } from '../errors.js';
import { normalizeArtifactPath } from './artifact-path.js';

const ROOT_SCHEME = 'mlflow-artifacts:/';

/**
 * The path below the artifact root that a client-chosen experiment artifact location names. Only
 * `mlflow-artifacts:/<relative path>` is accepted, checked as every artifact path is (no `..`, drive letters,
 * control characters or encoded characters); `mlflow-artifacts://host/…` names another server and is refused rather
 * than silently rewritten.
 */
export function experimentLocationPath(requested: string): string {
  const refuse = (why: string) =>
    invalid(
      `artifact_location '${requested}' is not allowed: ${why}. Omit it, or use mlflow-artifacts:/<path> for a ` +
        "folder below the server's artifact root",
    );
  if (!requested.startsWith(ROOT_SCHEME)) throw refuse("artifacts are stored under the server's artifact root");
  const rest = requested.slice(ROOT_SCHEME.length);
  if (rest.startsWith('/')) throw refuse('a host part names another server');
  // %25 is an encoded '%': a doubly encoded '..' would otherwise survive until something decodes it again.
  if (/%[0-9a-f]{2}/i.test(rest)) throw refuse('encoded characters are not allowed');
  let path: string;
  try {
    path = normalizeArtifactPath(rest, 'path');
  } catch (error) {
    throw refuse((error as Error).message);
  }
  if (path === '') throw refuse('the path is empty');
  return path;
}
