import { checkDatabaseReachable } from '../../store/database-reachable.js';
import type { ServiceDeps } from '../service-deps.js';

export type Readiness = { ready: true } | { ready: false; reason: string };

/**
 * Whether this replica can serve requests now: its database and its artifact store both answer. Orchestrators take a
 * replica out of rotation while it is not ready, rather than restart it (that is what liveness is for).
 */
export class ReadinessService {
  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'artifacts'>) {}

  async check(): Promise<Readiness> {
    const failures = await Promise.all([
      failureOf('database', () => checkDatabaseReachable(this.deps.store.db)),
      failureOf('artifact store', () => this.deps.artifacts.checkReachable()),
    ]);
    const reasons = failures.filter((reason) => reason !== undefined);
    return reasons.length === 0 ? { ready: true } : { ready: false, reason: reasons.join('; ') };
  }
}

/** A probe that has not answered by then counts as a failure: an orchestrator's probe must not hang with it. */
const PROBE_TIMEOUT_MS = 5_000;

async function failureOf(part: string, probe: () => Promise<void>): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return undefined;
  } catch (error) {
    return `${part} unreachable: ${(error as Error).message || (error as Error).name}`;
  } finally {
    clearTimeout(timer);
  }
}
