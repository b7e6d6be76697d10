import type { ArtifactSource } from '../../sdk/artifact-upload.js';
import type { LineageClient } from '../../sdk/lineage.js';
import type { CodeState } from './code-capture.js';
import type { DataHasher, DataItem } from './data-capture.js';
import { linkData } from './data-capture.js';
import type { CapturedEnvironment } from './environment-capture.js';
import type { GpuInfo } from './gpu.js';
import type { ResourceUsage } from './resource-monitor.js';

/** The server refuses tag values longer than this. */
const TAG_VALUE_LIMIT = 8000;

/** What capture writes to: the run on the server (an SDK ActiveRun, or the run `mnemo sync` uploads into). */
export interface CaptureTarget {
  readonly id: string;
  logArtifact(source: ArtifactSource, artifactPath?: string): Promise<unknown>;
  setTags(tags: Record<string, string>): Promise<void>;
}

/** The parts of a run `mnemo run` captures, whether they go to the server at once or to the spool for later. */
export interface RunCapture {
  code(code: CodeState): Promise<void>;
  environment(env: CapturedEnvironment, gpus: GpuInfo[] | undefined): Promise<void>;
  data(hasher: DataHasher, items: readonly DataItem[]): Promise<void>;
  resources(usage: ResourceUsage): Promise<void>;
}

/**
 * Writes what `mnemo run` captured to the run: tags, artifacts and lineage links. Capture is best effort: a part
 * that cannot be recorded (a role that may not register lineage entities, a lost connection) is reported as a
 * warning and the rest goes on, because the command's own result matters more. Names are listed in the README.
 * `mustRetry` picks failures that are instead thrown, for `mnemo sync` to try again later rather than lose the part.
 */
export class CaptureRecorder implements RunCapture {
  private readonly counts = { input: 0, output: 0 };

  constructor(
    private readonly run: CaptureTarget,
    private readonly lineage: LineageClient,
    private readonly warn: (message: string) => void,
    private readonly mustRetry: (error: unknown) => boolean = () => false,
  ) {}

  async code(code: CodeState): Promise<void> {
    await this.attempt('code', async () => {
      const tags: Record<string, string> = { 'mnemo.source.git.untracked': String(code.untracked.length) };
      if (code.remote) tags['mlflow.source.git.repoURL'] = clip(code.remote);
      if (code.diff) {
        await this.run.logArtifact(code.diff.path, 'code');
        tags['mnemo.source.git.diffDigest'] = `sha256:${code.diff.sha256}`;
      }
      if (code.untracked.length > 0) {
        await this.run.logArtifact({ path: 'untracked.txt', data: `${code.untracked.join('\n')}\n` }, 'code');
      }
      await this.run.setTags(tags);
    });
    await this.attempt('the code reference', async () => {
      const ref = await this.lineage.linkRunCodeRef(this.run.id, {
        repository: code.remote ?? code.root,
        commit: code.commit,
        ...(code.diff ? { dirtyDigest: `sha256:${code.diff.sha256}` } : {}),
      });
      await this.run.setTags({ 'mnemo.codeRef.id': ref.id });
    });
  }

  async environment(env: CapturedEnvironment, gpus: GpuInfo[] | undefined) {
    await this.attempt('environment files', async () => {
      await this.run.logArtifact(
        { path: 'environment.json', data: `${JSON.stringify(env.document, null, 2)}\n` },
        'environment',
      );
      const tags: Record<string, string> = {};
      for (const lockfile of env.lockfiles) {
        const folder = lockfile.path.split('/').slice(0, -1).join('/');
        await this.run.logArtifact(lockfile.absolutePath, `environment/lockfiles${folder ? `/${folder}` : ''}`);
        tags[`mnemo.lockfile.${lockfile.path}`] = `sha256:${lockfile.sha256}`;
      }
      for (const [name, value] of Object.entries(env.envVars)) tags[`mnemo.env.${name}`] = clip(value);
      if (gpus) {
        tags['mnemo.gpu.model'] = gpus[0]!.name;
        tags['mnemo.gpu.count'] = String(gpus.length);
        tags['mnemo.gpu.memoryMiB'] = String(gpus.reduce((s, g) => s + g.memoryTotalMiB, 0));
      }
      if (Object.keys(tags).length > 0) await this.run.setTags(tags);
    });
    await this.attempt('the environment', async () => {
      const registered = await this.lineage.linkRunEnvironment(this.run.id, env.spec);
      await this.run.setTags({ 'mnemo.environment.id': registered.id });
    });
  }

  /** Hashes and links each item; an output the command did not write is reported and left out. */
  async data(hasher: DataHasher, items: readonly DataItem[]): Promise<void> {
    for (const item of items) {
      await this.attempt(`${item.role} ${labelOf(item)}`, async () => {
        const digest = await hasher.hash(item.ref);
        if (digest === undefined) this.warn(`${item.role} ${labelOf(item)} does not exist; it is not recorded`);
        else await this.link(item, digest);
      });
    }
  }

  /** Links an input or output hashed earlier (when the command ran, for a spooled run). */
  async hashedData(item: DataItem, digest: string): Promise<void> {
    await this.attempt(`${item.role} ${labelOf(item)}`, () => this.link(item, digest));
  }

  private async link(item: DataItem, digest: string): Promise<void> {
    const link = await linkData(this.lineage, this.run.id, item, digest);
    await this.run.setTags({ [`mnemo.${item.role}.${this.counts[item.role]++}`]: clip(`${link.uri}@${digest}`) });
  }

  async resources(usage: ResourceUsage): Promise<void> {
    const tags: Record<string, string> = { 'mnemo.resources.durationMs': String(usage.durationMs) };
    if (usage.peakRssBytes !== undefined) tags['mnemo.resources.peakRssBytes'] = String(usage.peakRssBytes);
    if (usage.cpuUserMs !== undefined) tags['mnemo.resources.cpuUserMs'] = String(usage.cpuUserMs);
    if (usage.cpuSystemMs !== undefined) tags['mnemo.resources.cpuSystemMs'] = String(usage.cpuSystemMs);
    await this.attempt('resource use', () => this.run.setTags(tags));
  }

  private async attempt(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (this.mustRetry(error)) throw error;
      this.warn(`could not record ${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

export function labelOf(item: DataItem): string {
  return item.ref.kind === 'local' ? item.ref.path : item.ref.uri;
}

export const clip = (value: string): string =>
  value.length <= TAG_VALUE_LIMIT ? value : `${value.slice(0, TAG_VALUE_LIMIT - 1)}…`;
