import type { RecordedData } from '../../domain/capture/recorded-data.js';
import type { CurrentState } from '../../domain/tracking/reproduction.js';
import { readGitState } from '../../sdk/capture/git-state.js';
import { readPythonState } from '../../sdk/capture/python-state.js';
import { checkInputs } from './input-checks.js';

/**
 * The checkout and Python environment here, read as `mnemo run` and the SDK's capture record them, and the run's
 * recorded inputs hashed again.
 */
export async function currentState(cwd: string, inputs: readonly RecordedData[]): Promise<CurrentState> {
  const [git, python, checks] = await Promise.all([readGitState(cwd), readPythonState(cwd), checkInputs(inputs)]);
  return {
    commit: git?.commit ?? null,
    dirty: git?.dirty ?? false,
    diffDigest: git?.diffDigest ?? null,
    python: python.version,
    packages: python.packages,
    inputs: checks,
  };
}
