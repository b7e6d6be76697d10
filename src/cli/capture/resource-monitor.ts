import { descendantsOf, parseProcessStat } from '../../domain/capture/proc-stats.js';
import { allProcessStats, readProc, systemUnits } from './proc-files.js';

export interface ResourceUsage {
  durationMs: number;
  /** Largest resident memory of the command and its descendants together, as sampled while it ran. */
  peakRssBytes: number | undefined;
  /** CPU time of the command and every descendant it waited for, measured when it ended. */
  cpuUserMs: number | undefined;
  cpuSystemMs: number | undefined;
}

/**
 * Measures what the command cost. CPU time comes from this process's own count of its reaped children (the
 * `cutime`/`cstime` of /proc/self/stat), taken before the command starts and after it ends, so it is exact; memory
 * is the sum of the process tree's RSS, sampled every `sampleMs`, so a very short peak can slip between samples.
 */
export class ResourceMonitor {
  private readonly started = Date.now();
  private timer: ReturnType<typeof setInterval> | undefined;
  private peakRssPages = 0;
  private sampling: Promise<void> | undefined;

  private constructor(
    private readonly units: { ticksPerSecond: number; pageSize: number },
    private readonly before: { user: number; system: number } | undefined,
  ) {}

  static async beforeStart(): Promise<ResourceMonitor> {
    return new ResourceMonitor(await systemUnits(), await childTicks());
  }

  watch(pid: number, sampleMs: number): void {
    const sample = () => {
      this.sampling ??= this.sample(pid).finally(() => {
        this.sampling = undefined;
      });
    };
    sample();
    this.timer = setInterval(sample, sampleMs);
    this.timer.unref();
  }

  async stop(): Promise<ResourceUsage> {
    if (this.timer) clearInterval(this.timer);
    await this.sampling;
    const after = await childTicks();
    const ms = (ticks: number) => Math.round((ticks * 1000) / this.units.ticksPerSecond);
    return {
      durationMs: Date.now() - this.started,
      peakRssBytes: this.peakRssPages > 0 ? this.peakRssPages * this.units.pageSize : undefined,
      cpuUserMs: this.before && after ? ms(after.user - this.before.user) : undefined,
      cpuSystemMs: this.before && after ? ms(after.system - this.before.system) : undefined,
    };
  }

  private async sample(pid: number): Promise<void> {
    const tree = descendantsOf(pid, await allProcessStats());
    const rss = tree.reduce((sum, p) => sum + p.rssPages, 0);
    this.peakRssPages = Math.max(this.peakRssPages, rss);
  }
}

async function childTicks(): Promise<{ user: number; system: number } | undefined> {
  const text = await readProc('/proc/self/stat');
  const stat = text === undefined ? undefined : parseProcessStat(text);
  return stat && { user: stat.childUserTicks, system: stat.childSystemTicks };
}
