import { type CpuTimes, cpuPercent, type IoCounters, type MemoryInfo, type NetCounters } from './proc-stats.js';

/** One reading of the machine, taken every sampling interval while a run's command runs. */
export interface SystemReading {
  cpu?: CpuTimes;
  memory?: MemoryInfo;
  disk?: IoCounters;
  net?: NetCounters;
  /** The filesystem holding the working directory. */
  filesystem?: { totalBytes: number; availableBytes: number };
  gpus?: GpuReading[];
}

export interface GpuReading {
  utilizationPercent: number;
  memoryUsedMiB: number;
  memoryTotalMiB: number;
}

const MB = 1e6;

/**
 * The `system/*` metrics of one sample, named as MLflow's system metrics are where MLflow has the measure
 * (`system/cpu_utilization_percentage`, …) so charts and queries written for MLflow runs read Mnemo's too. Disk and
 * network I/O count from the first reading, as MLflow's network metrics do; CPU % is over the last interval.
 */
export function systemMetrics(
  first: SystemReading,
  previous: SystemReading,
  now: SystemReading,
): Record<string, number> {
  const metrics: Record<string, number> = {};
  if (previous.cpu && now.cpu) metrics['system/cpu_utilization_percentage'] = round(cpuPercent(previous.cpu, now.cpu));
  if (now.memory) {
    const used = now.memory.totalBytes - now.memory.availableBytes;
    metrics['system/system_memory_usage_megabytes'] = round(used / MB);
    metrics['system/system_memory_usage_percentage'] = round((used / now.memory.totalBytes) * 100);
  }
  if (now.filesystem && now.filesystem.totalBytes > 0) {
    const used = now.filesystem.totalBytes - now.filesystem.availableBytes;
    metrics['system/disk_usage_megabytes'] = round(used / MB);
    metrics['system/disk_usage_percentage'] = round((used / now.filesystem.totalBytes) * 100);
    metrics['system/disk_available_megabytes'] = round(now.filesystem.availableBytes / MB);
  }
  if (first.disk && now.disk) {
    metrics['system/disk_read_megabytes'] = round(Math.max(0, now.disk.readBytes - first.disk.readBytes) / MB);
    metrics['system/disk_write_megabytes'] = round(Math.max(0, now.disk.writeBytes - first.disk.writeBytes) / MB);
  }
  if (first.net && now.net) {
    metrics['system/network_receive_megabytes'] = round(
      Math.max(0, now.net.receiveBytes - first.net.receiveBytes) / MB,
    );
    metrics['system/network_transmit_megabytes'] = round(
      Math.max(0, now.net.transmitBytes - first.net.transmitBytes) / MB,
    );
  }
  for (const [i, gpu] of (now.gpus ?? []).entries()) {
    metrics[`system/gpu_${i}_utilization_percentage`] = gpu.utilizationPercent;
    metrics[`system/gpu_${i}_memory_usage_megabytes`] = round((gpu.memoryUsedMiB * 1024 * 1024) / MB);
    if (gpu.memoryTotalMiB > 0) {
      metrics[`system/gpu_${i}_memory_usage_percentage`] = round((gpu.memoryUsedMiB / gpu.memoryTotalMiB) * 100);
    }
  }
  return metrics;
}

const round = (value: number): number => Math.round(value * 100) / 100;

/** One line of `nvidia-smi --query-gpu=name,memory.total,memory.used,utilization.gpu --format=csv,noheader,nounits`. */
export function parseNvidiaSmiLine(line: string): (GpuReading & { name: string }) | undefined {
  const fields = line.split(',').map((f) => f.trim());
  if (fields.length < 4) return undefined;
  const [name, total, used, utilization] = fields;
  const numbers = [Number(total), Number(used), Number(utilization)];
  if (!name || numbers.some((n) => !Number.isFinite(n))) return undefined;
  return { name, memoryTotalMiB: numbers[0]!, memoryUsedMiB: numbers[1]!, utilizationPercent: numbers[2]! };
}
