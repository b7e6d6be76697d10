import { normalizeArtifactPath } from '../artifacts/artifact-path.js';
import { invalid } from '../errors.js';

/**
 * Where a model version's files live. Three forms are accepted, all confined to the server's artifact root:
 * `mlflow-artifacts:/<path>` (a path below the root), `runs:/<run id>/<path>` (a path below a run's artifacts) and
 * `models:/<logged model id>` (an MLflow 3 LoggedModel's folder).
 * Anything else (`file:///etc/`, `s3://…`, `..` segments) is refused, because the server reads and hashes every file
 * under the location and must never be pointed at arbitrary storage.
 */
export type ArtifactLocation =
  | { kind: 'root'; path: string }
  | { kind: 'run'; runId: string; path: string }
  | { kind: 'logged_model'; modelId: string };

const ROOT_SCHEME = 'mlflow-artifacts:/';
const RUN_PATTERN = /^runs:\/([0-9a-zA-Z_-]{1,64})(?:\/(.*))?$/;
// MLflow 3 registers a LoggedModel by its id; its files lie in the model's own folder below the root.
const LOGGED_MODEL_PATTERN = /^models:\/(m-[0-9a-f]{32})\/?$/;

export function parseArtifactLocation(source: string): ArtifactLocation {
  const refuse = (why: string) =>
    invalid(
      `Invalid model version source '${source}': ${why}. Use mlflow-artifacts:/<path>, runs:/<run_id>/<path> ` +
        `or models:/<logged model id> so the files lie under the server's artifact root`,
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
  const logged = LOGGED_MODEL_PATTERN.exec(source);
  if (logged) return { kind: 'logged_model', modelId: logged[1]! };
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
