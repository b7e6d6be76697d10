import type { CurrentState } from '../../domain/tracking/reproduction.js';
import { readGitState } from '../../sdk/capture/git-state.js';
import { readPythonState } from '../../sdk/capture/python-state.js';

/** The checkout and Python environment here, read as `mnemo run` and the SDK's capture record them. */
export async function currentState(cwd: string): Promise<CurrentState> {
  const [git, python] = await Promise.all([readGitState(cwd), readPythonState(cwd)]);
  return {
    commit: git?.commit ?? null,
    dirty: git?.dirty ?? false,
    diffDigest: git?.diffDigest ?? null,
    python: python.version,
    packages: python.packages,
  };
}
