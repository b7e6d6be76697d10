/**
 * Parsers for the Linux /proc files `mnemo run` samples. Each takes the file's text and answers plain numbers, so
 * the arithmetic can be tested without a Linux machine.
 */

export interface CpuTimes {
  /** Jiffies spent idle or waiting for I/O. */
  idle: number;
  total: number;
}

/** The aggregate `cpu` line of /proc/stat. */
export function parseCpuTimes(stat: string): CpuTimes | undefined {
  const line = stat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user).
  const used = fields.slice(0, 8);
  if (used.length < 4 || used.some((n) => !Number.isFinite(n))) return undefined;
  const idle = (used[3] ?? 0) + (used[4] ?? 0);
  return { idle, total: used.reduce((a, b) => a + b, 0) };
}

/** Share of CPU time busy between two readings, in percent of all CPUs. */
export function cpuPercent(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total;
  if (total <= 0) return 0;
  const busy = total - (after.idle - before.idle);
  return Math.min(100, Math.max(0, (busy / total) * 100));
}

export interface MemoryInfo {
  totalBytes: number;
  availableBytes: number;
}

/** MemTotal and MemAvailable of /proc/meminfo (kB there). */
export function parseMeminfo(meminfo: string): MemoryInfo | undefined {
  const kb = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s*kB`, 'm').exec(meminfo);
    return match ? Number(match[1]) * 1024 : undefined;
  };
  const totalBytes = kb('MemTotal');
  const availableBytes = kb('MemAvailable') ?? kb('MemFree');
  return totalBytes === undefined || availableBytes === undefined ? undefined : { totalBytes, availableBytes };
}

export interface IoCounters {
  readBytes: number;
  writeBytes: number;
}

/** Partitions and virtual devices would count the same bytes twice (or not be disks at all). */
const NOT_A_WHOLE_DISK = /^(loop|ram|zram|dm-|md|sr|fd)|^(sd|vd|xvd|hd)[a-z]+\d+$|^(nvme\d+n\d+|mmcblk\d+)p\d+$/;

/** Bytes read and written by whole disks since boot, from /proc/diskstats (sectors are 512 bytes there). */
export function parseDiskstats(diskstats: string): IoCounters {
  let readBytes = 0;
  let writeBytes = 0;
  for (const line of diskstats.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const name = fields[2];
    if (fields.length < 10 || name === undefined || NOT_A_WHOLE_DISK.test(name)) continue;
    readBytes += Number(fields[5]) * 512 || 0;
    writeBytes += Number(fields[9]) * 512 || 0;
  }
  return { readBytes, writeBytes };
}

export interface NetCounters {
  receiveBytes: number;
  transmitBytes: number;
}

/** Bytes received and sent by every interface but loopback since boot, from /proc/net/dev. */
export function parseNetDev(netdev: string): NetCounters {
  let receiveBytes = 0;
  let transmitBytes = 0;
  for (const line of netdev.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (name === 'lo') continue;
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    receiveBytes += Number(fields[0]) || 0;
    transmitBytes += Number(fields[8]) || 0;
  }
  return { receiveBytes, transmitBytes };
}

export interface ProcessStat {
  pid: number;
  ppid: number;
  /** CPU time in clock ticks. */
  userTicks: number;
  systemTicks: number;
  /** CPU time of the children it has waited for (and theirs), in clock ticks. */
  childUserTicks: number;
  childSystemTicks: number;
  /** Resident set size in pages. */
  rssPages: number;
}

/**
 * One process's /proc/<pid>/stat line. The command name sits in parentheses and may itself hold blanks or
 * parentheses, so fields are counted from the last ')'.
 */
export function parseProcessStat(line: string): ProcessStat | undefined {
  const close = line.lastIndexOf(')');
  const open = line.indexOf('(');
  if (open < 0 || close < open) return undefined;
  const pid = Number(line.slice(0, open).trim());
  // After ')': state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17) … rss(24): index = field number - 3.
  const rest = line
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const field = (n: number) => Number(rest[n - 3]);
  const stat = {
    pid,
    ppid: field(4),
    userTicks: field(14),
    systemTicks: field(15),
    childUserTicks: field(16),
    childSystemTicks: field(17),
    rssPages: field(24),
  };
  return Object.values(stat).every(Number.isFinite) ? stat : undefined;
}

/** The processes below `root` (itself included), found by walking parent links. */
export function descendantsOf(root: number, processes: readonly ProcessStat[]): ProcessStat[] {
  const children = new Map<number, ProcessStat[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const found: ProcessStat[] = [];
  const self = processes.find((p) => p.pid === root);
  if (self) found.push(self);
  const queue = [root];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const pid = queue.shift()!;
    for (const child of children.get(pid) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}
