import { normalizeArtifactPath } from '../domain/artifacts/artifact-path.js';
import { invalid } from '../domain/errors.js';

/**
 * Checks an artifact path as the HTTP layer hands it over, already percent-decoded once. A `%2e`, `%2f`, `%5c` or
 * `%25` still present means the client encoded twice; some component further down (a proxy, an object store)
 * might decode again and see `..` or `/`, so such paths are refused rather than passed on. Everything else
 * (`..`, absolute paths, backslashes, control characters) is refused by the domain's normalisation. The MLflow
 * artifact proxy and the native artifact routes both check every path through here, so a path one refuses the
 * other refuses too.
 */
export function guardArtifactPath(decoded: string, field: string): string {
  if (/%(2e|2f|5c|25)/i.test(decoded)) {
    throw invalid(`${field} '${decoded}' contains percent-encoded characters; send the path encoded exactly once`);
  }
  return normalizeArtifactPath(decoded, field);
}
