import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { RunStatus } from '../../sdk/index.js';

const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** After the command exits, how long descendants that still hold its output pipes are waited for. */
const DRAIN_GRACE_MS = 2000;

/** How the wrapped command ended. */
export type Outcome = { code: number } | { signal: NodeJS.Signals } | { error: Error };

/**
 * Runs the command with its stdin inherited and its output piped (for the logs), passing on the signals the
 * wrapper receives so it can shut down cleanly. `started` attaches the capture once the process exists.
 */
export function runChild(
  argv: string[],
  env: NodeJS.ProcessEnv,
  started: (child: ChildProcess) => void,
): Promise<Outcome> {
  return new Promise((resolvePromise) => {
    const [program, ...args] = argv;
    const child = spawn(program!, args, { stdio: ['inherit', 'pipe', 'pipe'], env });
    started(child);
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
      resolvePromise(outcome);
    };
    child.once('error', (error) => settle({ error }));
    child.once('exit', (code, signal) => {
      const outcome: Outcome = signal ? { signal } : { code: code ?? 1 };
      // Output still in the pipes is read first; a descendant that keeps them open is not waited for long.
      const grace = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        settle(outcome);
      }, DRAIN_GRACE_MS);
      child.once('close', () => {
        clearTimeout(grace);
        settle(outcome);
      });
    });
  });
}

/** Run status, the wrapper's own exit code (a shell's conventions), and tags saying how the command ended. */
export function conclude(
  outcome: Outcome,
  program: string,
): { status: RunStatus; exitCode: number; tags: Record<string, string> } {
  if ('signal' in outcome) {
    const exitCode = 128 + (constants.signals[outcome.signal] ?? 0);
    return { status: 'KILLED', exitCode, tags: { 'mnemo.signal': outcome.signal } };
  }
  if ('error' in outcome) {
    const notFound = (outcome.error as NodeJS.ErrnoException).code === 'ENOENT';
    const exitCode = notFound ? 127 : 126;
    return {
      status: 'FAILED',
      exitCode,
      tags: { 'mnemo.exitCode': String(exitCode), 'mnemo.error': `${program}: ${outcome.error.message}` },
    };
  }
  return {
    status: outcome.code === 0 ? 'FINISHED' : 'FAILED',
    exitCode: outcome.code,
    tags: { 'mnemo.exitCode': String(outcome.code) },
  };
}
