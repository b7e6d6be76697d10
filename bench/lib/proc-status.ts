import { readFile } from 'node:fs/promises';

/** A memory figure of a running process from /proc/<pid>/status, in MiB: VmRSS now, or VmHWM, its peak so far. */
export async function readStatus(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} for process ${pid}`);
  return Number(match[1]) / 1024;
}
