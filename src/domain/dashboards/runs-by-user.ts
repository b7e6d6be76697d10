import type { RunStatus } from '../tracking/entities.js';

export interface UserRunCount {
  userId: string;
  runs: number;
  finished: number;
  failed: number;
}

/** Who started what: runs per user, most first (ties by name, so the order is stable between answers). */
export function runsByUser(runs: readonly { userId: string; status: RunStatus }[]): UserRunCount[] {
  const users = new Map<string, UserRunCount>();
  for (const run of runs) {
    const entry = users.get(run.userId) ?? { userId: run.userId, runs: 0, finished: 0, failed: 0 };
    entry.runs += 1;
    if (run.status === 'FINISHED') entry.finished += 1;
    if (run.status === 'FAILED') entry.failed += 1;
    users.set(run.userId, entry);
  }
  return [...users.values()].sort(
    (a, b) => b.runs - a.runs || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
  );
}
