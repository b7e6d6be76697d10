import { parseCpuTimes, parseDiskstats, parseMeminfo, parseNetDev } from '../../domain/capture/proc-stats.js';
import { type SystemReading, systemMetrics } from '../../domain/capture/system-metrics.js';
import { queryGpus } from './gpu.js';
import { filesystemOf, readProc } from './proc-files.js';

/**
 * Samples the machine every `intervalMs` while the command runs and hands each sample's `system/*` metrics, with
 * its sample number as the step, to `record`. Where /proc does not exist nothing is recorded; GPUs are read only
 * when `nvidia-smi` answered at the start.
 */
export class SystemSampler {
  private timer: ReturnType<typeof setInterval> | undefined;
  private first: SystemReading | undefined;
  private previous: SystemReading | undefined;
  private step = 0;
  private pending: Promise<void> | undefined;
  private starting: Promise<void> | undefined;

  constructor(
    private readonly cwd: string,
    private readonly withGpus: boolean,
    private readonly record: (metrics: Record<string, number>, step: number) => void,
  ) {}

  start(intervalMs: number): void {
    this.starting = this.begin(intervalMs);
  }

  private async begin(intervalMs: number): Promise<void> {
    this.first = await this.read();
    this.previous = this.first;
    this.timer = setInterval(() => {
      this.pending ??= this.sample().finally(() => {
        this.pending = undefined;
      });
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops sampling, taking one last sample so even a short command has its system metrics. */
  async stop(): Promise<void> {
    await this.starting;
    if (this.timer) clearInterval(this.timer);
    await this.pending;
    if (this.first) await this.sample();
  }

  private async sample(): Promise<void> {
    const now = await this.read();
    const metrics = systemMetrics(this.first!, this.previous!, now);
    this.previous = now;
    if (Object.keys(metrics).length > 0) this.record(metrics, this.step++);
  }

  private async read(): Promise<SystemReading> {
    const [stat, meminfo, diskstats, netdev, filesystem, gpus] = await Promise.all([
      readProc('/proc/stat'),
      readProc('/proc/meminfo'),
      readProc('/proc/diskstats'),
      readProc('/proc/net/dev'),
      filesystemOf(this.cwd),
      this.withGpus ? queryGpus() : undefined,
    ]);
    return {
      ...(stat === undefined ? {} : { cpu: parseCpuTimes(stat) }),
      ...(meminfo === undefined ? {} : { memory: parseMeminfo(meminfo) }),
      ...(diskstats === undefined ? {} : { disk: parseDiskstats(diskstats) }),
      ...(netdev === undefined ? {} : { net: parseNetDev(netdev) }),
      ...(filesystem === undefined ? {} : { filesystem }),
      ...(gpus === undefined ? {} : { gpus }),
    };
  }
}
