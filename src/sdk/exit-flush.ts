/** Something holding metric points that should reach the server before the process exits. */
export interface Flushable {
  readonly id: string;
  readonly pendingPoints: number;
  flush(): Promise<void>;
}

const open = new Set<Flushable>();
let installed = false;

/**
 * Sends what a run still buffers when the process is about to exit because it ran out of work, e.g. a script that
 * never called end(). Each run gets one try: a server that stays unreachable must not keep the process alive.
 * (An explicit process.exit() or a crash skips this; only end() and flush() are guarantees.)
 */
export function flushBeforeExit(run: Flushable): void {
  open.add(run);
  if (!installed) {
    installed = true;
    process.on('beforeExit', () => {
      const waiting = [...open].filter((r) => r.pendingPoints > 0);
      open.clear();
      for (const r of waiting) {
        r.flush().catch((error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error);
          console.warn(`mnemo: ${r.pendingPoints} metric points of run ${r.id} were not sent before exit: ${reason}`);
        });
      }
    });
  }
}

export function forgetAtExit(run: Flushable): void {
  open.delete(run);
}
