import { execFile } from 'node:child_process';
import { readdir, readFile, statfs } from 'node:fs/promises';
import { promisify } from 'node:util';
import { type ProcessStat, parseProcessStat } from '../../domain/capture/proc-stats.js';

const exec = promisify(execFile);

/** A /proc file's text, or undefined where there is no /proc (macOS, Windows) or the process is gone. */
export async function readProc(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Every process's stat line that can still be read; processes that exit while being listed are skipped. */
export async function allProcessStats(): Promise<ProcessStat[]> {
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return [];
  }
  const stats = await Promise.all(
    names
      .filter((n) => /^\d+$/.test(n))
      .map(async (n) => readProc(`/proc/${n}/stat`).then((t) => t && parseProcessStat(t))),
  );
  return stats.filter((s): s is ProcessStat => s !== undefined);
}

export async function filesystemOf(path: string): Promise<{ totalBytes: number; availableBytes: number } | undefined> {
  try {
    const fs = await statfs(path);
    return { totalBytes: fs.blocks * fs.bsize, availableBytes: fs.bavail * fs.bsize };
  } catch {
    return undefined;
  }
}

/** Clock ticks per second and page size, as `getconf` reports them (Linux's usual values when it cannot). */
export async function systemUnits(): Promise<{ ticksPerSecond: number; pageSize: number }> {
  const conf = async (name: string, fallback: number) => {
    try {
      const value = Number((await exec('getconf', [name], { timeout: 2000 })).stdout.trim());
      return value > 0 ? value : fallback;
    } catch {
      return fallback;
    }
  };
  return { ticksPerSecond: await conf('CLK_TCK', 100), pageSize: await conf('PAGESIZE', 4096) };
}
