import { normalizeArtifactPath } from '../artifacts/artifact-path.js';
import { invalid } from '../errors.js';

/**
 * Where a model version's files live. Only two forms are accepted, both confined to the server's artifact root:
 * `mlflow-artifacts:/<path>` (a path below the root) and `runs:/<run id>/<path>` (a path below a run's artifacts).
 * Anything else (`file:///etc/`, `s3://…`, `..` segments) is refused, because the server reads and hashes every file
 * under the location and must never be pointed at arbitrary storage.
 */
export type ArtifactLocation = { kind: 'root'; path: string } | { kind: 'run'; runId: string; path: string };

const ROOT_SCHEME = 'mlflow-artifacts:/';
const RUN_PATTERN = /^runs:\/([0-9a-zA-Z_-]{1,64})(?:\/(.*))?$/;

export function parseArtifactLocation(source: string): ArtifactLocation {
  const refuse = (why: string) =>
    invalid(
      `Invalid model version source '${source}': ${why}. Use mlflow-artifacts:/<path> or runs:/<run_id>/<path> ` +
        `so the files lie under the server's artifact root`,
    );
  if (/%[0-9a-f]{2}/i.test(source)) throw refuse('encoded characters are not allowed');
  if (source.startsWith(ROOT_SCHEME)) {
    const rest = source.slice(ROOT_SCHEME.length);
    // `mlflow-artifacts://host/…` names another server; only this server's root is readable here.
    if (rest.startsWith('/')) throw refuse('a host part is not allowed');
    const path = normalize(rest, refuse);
    if (path === '') throw refuse('the path is empty');
    return { kind: 'root', path };
  }
  const run = RUN_PATTERN.exec(source);
  if (run) return { kind: 'run', runId: run[1]!, path: normalize(run[2] ?? '', refuse) };
  throw refuse('the scheme is not allowed');
}

function normalize(path: string, refuse: (why: string) => Error): string {
  try {
    return normalizeArtifactPath(path, 'path');
  } catch (error) {
    throw refuse(error instanceof Error ? error.message : String(error));
  }
}
