/** How one job of a group ended: its value, or the error that rolled back its part. */
export type Settlement = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Runs a group of jobs together and reports how each ended. It rejects only when the group as a whole failed
 * (e.g. its COMMIT), which then fails every job in it.
 */
export type GroupRunner<J> = (jobs: readonly J[]) => Promise<Settlement[]>;

export interface CommitGroupOptions {
  /** The most jobs one group takes; more wait for the next group. */
  maxGroupSize: number;
  /** Runs the first group of a quiet period a little later, so jobs submitted in the same turn join it. */
  defer: (start: () => void) => void;
}

const DEFAULTS: CommitGroupOptions = { maxGroupSize: 64, defer: setImmediate };

/**
 * Gathers jobs into groups, one group running at a time: jobs submitted while a group runs form the next one, and
 * the first group after a quiet period also takes every job submitted before its deferred start. Each job's promise
 * settles only once its whole group has finished, so a caller never learns of an outcome the group could still undo.
 */
export class CommitGroups<J> {
  private waiting: { job: J; settle: (settlement: Settlement) => void }[] = [];
  private busy = false;
  private readonly options: CommitGroupOptions;

  constructor(
    private readonly runGroup: GroupRunner<J>,
    options: Partial<CommitGroupOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  submit(job: J): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ job, settle: (s) => (s.ok ? resolve(s.value) : reject(s.error)) });
      if (!this.busy) {
        this.busy = true;
        this.options.defer(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.options.maxGroupSize);
      let settlements: Settlement[];
      try {
        settlements = await this.runGroup(group.map((entry) => entry.job));
        if (settlements.length !== group.length) {
          throw new Error(`a group of ${group.length} jobs reported ${settlements.length} outcomes`);
        }
      } catch (error) {
        settlements = group.map(() => ({ ok: false, error }));
      }
      for (const [i, entry] of group.entries()) entry.settle(settlements[i]!);
    }
    this.busy = false;
  }
}
