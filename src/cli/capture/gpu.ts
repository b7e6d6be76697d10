import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type GpuReading, parseNvidiaSmiLine } from '../../domain/capture/system-metrics.js';

const exec = promisify(execFile);
const QUERY = ['--query-gpu=name,memory.total,memory.used,utilization.gpu', '--format=csv,noheader,nounits'];

export type GpuInfo = GpuReading & { name: string };

/**
 * The machine's NVIDIA GPUs as `nvidia-smi` reports them; undefined when it is not installed, finds no GPU or does
 * not answer in time, which is the ordinary case on a laptop and never worth a warning.
 */
export async function queryGpus(): Promise<GpuInfo[] | undefined> {
  try {
    const { stdout } = await exec('nvidia-smi', QUERY, { timeout: 5000 });
    const gpus = stdout
      .split('\n')
      .map(parseNvidiaSmiLine)
      .filter((g): g is GpuInfo => g !== undefined);
    return gpus.length > 0 ? gpus : undefined;
  } catch {
    return undefined;
  }
}
