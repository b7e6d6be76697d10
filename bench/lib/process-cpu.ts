import { readFile } from 'node:fs/promises';
import pg from 'pg';

/** Linux counts process CPU time in clock ticks of 1/100 s (USER_HZ, which is 100 on every Linux ABI Node runs on). */
const MS_PER_TICK = 10;

/**
 * CPU time a process has used so far (user + system, all its threads), in milliseconds, as the kernel counts it.
 * Unlike wall-clock rates, it does not depend on what else the machine is doing, so figures taken on a busy machine
 * stay comparable.
 */
export async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
}

/** A running CPU-time total of some processes: what they used between two `read()` calls. */
export interface CpuMeter {
  read(): Promise<number>;
}

/** The CPU time of one process (the server). */
export function processMeter(pid: number): CpuMeter {
  return { read: () => processCpuMs(pid) };
}

/**
 * The CPU time of a process and its children (a server started with `--workers`: the primary and its workers). A
 * child that exited stops counting, which undercounts by what it used since the last read.
 */
export function processTreeMeter(pid: number): CpuMeter {
  const seen = new Map<number, number>();
  return {
    async read() {
      const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
      for (const member of [pid, ...children.split(' ').filter(Boolean).map(Number)]) {
        const used = await processCpuMs(member).catch(() => undefined);
        if (used !== undefined) seen.set(member, used);
      }
      return [...seen.values()].reduce((sum, used) => sum + used, 0);
    },
  };
}

/** This process's own CPU time (the load generator). */
export const ownMeter: CpuMeter = {
  read: async () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  },
};

/**
 * The CPU time of the PostgreSQL backends serving one database (only when PostgreSQL runs on this machine, as the
 * bench's does). Backends come and go with the pool, so each is remembered by pid: one that has exited keeps the
 * last total read for it, which undercounts by at most what it used since that read.
 */
export function postgresBackendsMeter(adminUrl: string, database: string): CpuMeter {
  const seen = new Map<number, number>();
  return {
    async read() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ pid: number }>(
          'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [database],
        );
        for (const { pid } of rows) {
          const used = await processCpuMs(pid).catch(() => undefined);
          if (used !== undefined) seen.set(pid, used);
        }
      } finally {
        await client.end();
      }
      let total = 0;
      for (const used of seen.values()) total += used;
      return total;
    },
  };
}
