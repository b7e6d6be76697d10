// The MLflow routes import the guard from here; the one implementation, shared with the native artifact routes, lives
// in ../artifact-path-guard.ts so both surfaces refuse exactly the same paths.
export { guardArtifactPath } from '../artifact-path-guard.js';
