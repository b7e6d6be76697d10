import type { RunCapture } from '../capture/capture-recorder.js';
import { labelOf } from '../capture/capture-recorder.js';
import type { CodeState } from '../capture/code-capture.js';
import type { DataHasher, DataItem } from '../capture/data-capture.js';
import type { CapturedEnvironment } from '../capture/environment-capture.js';
import type { GpuInfo } from '../capture/gpu.js';
import type { ResourceUsage } from '../capture/resource-monitor.js';
import type { SpoolRecorder } from './spool-recorder.js';

/**
 * Capture for a run recorded without a server: each part goes to the spool's journal, with copies of the files it
 * names, for `mnemo sync` to record as the connected capture would have (see replayCapture). Like the connected
 * capture it is best effort: a part that cannot be spooled is reported and the command still runs.
 */
export class SpooledCapture implements RunCapture {
  constructor(
    private readonly spool: SpoolRecorder,
    private readonly warn: (message: string) => void,
  ) {}

  async code(code: CodeState): Promise<void> {
    this.attempt('code', () => {
      const diff = code.diff && { ...code.diff, path: this.spool.keepFile(code.diff.path) };
      this.spool.capture({ part: 'code', code: { ...code, diff } });
    });
  }

  async environment(env: CapturedEnvironment, gpus: GpuInfo[] | undefined): Promise<void> {
    this.attempt('the environment', () => {
      const lockfiles = env.lockfiles.map((lockfile) => ({
        ...lockfile,
        absolutePath: this.spool.keepFile(lockfile.absolutePath),
      }));
      this.spool.capture({ part: 'environment', environment: { ...env, lockfiles }, gpus: gpus ?? null });
    });
  }

  async data(hasher: DataHasher, items: readonly DataItem[]): Promise<void> {
    for (const item of items) {
      let digest: string | undefined;
      try {
        digest = await hasher.hash(item.ref);
      } catch (error) {
        this.warn(`could not hash ${item.role} ${labelOf(item)}: ${messageOf(error)}`);
        continue;
      }
      if (digest === undefined) this.warn(`${item.role} ${labelOf(item)} does not exist; it is not recorded`);
      else this.attempt(`${item.role} ${labelOf(item)}`, () => this.spool.capture({ part: 'data', item, digest }));
    }
  }

  async resources(usage: ResourceUsage): Promise<void> {
    this.attempt('resource use', () => this.spool.capture({ part: 'resources', usage }));
  }

  private attempt(what: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.warn(`could not spool ${what}: ${messageOf(error)}`);
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
